// File globs as Prometheus allows them in rule_files, scrape_config_files and file_sd_configs:
// wildcards (`*`, `?`, `[...]`) only in the last path element, matched like Go's filepath.Glob.
import fs from 'node:fs';
import path from 'node:path';

const META = /[*?[]/;

export function hasGlobMeta(pattern: string): boolean {
  return META.test(pattern);
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) throw new Error('syntax error in pattern');
      let body = glob.slice(i + 1, close);
      if (body.startsWith('^')) body = '^' + body.slice(1).replace(/\\/g, '\\\\');
      else body = body.replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = close;
    } else if (c === '\\' && i + 1 < glob.length) re += '\\' + glob[++i];
    else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The files a pattern names, sorted; a pattern without wildcards names itself when it exists. */
export function expandFileGlob(pattern: string): string[] {
  if (!hasGlobMeta(pattern)) return fs.existsSync(pattern) ? [pattern] : [];
  const dir = path.dirname(pattern);
  const re = globToRegExp(path.basename(pattern));
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => re.test(n))
    .sort()
    .map((n) => path.join(dir, n));
}
