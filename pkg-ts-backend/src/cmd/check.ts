// `flint check config FILE...`: validates config files the way `promtool check config` does,
// with the same output shape, then checks the rule files they reference.
import fs from 'node:fs';
import { ConfigError, loadConfigFile } from '../config/load';
import { expandFileGlob, hasGlobMeta } from '../config/fileGlob';
import { Config, HTTPClientConfig, SDConfig } from '../config/types';
import { readTargetFile } from '../discovery/file';
import { parseRuleFile, RuleFileError } from '../rules/file';
import { registerSubcommand } from './flint';

export interface CheckOutput {
  stdout(line: string): void;
  stderr(line: string): void;
}

class CheckFailure extends Error {}

function statProblem(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    fs.statSync(file);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'ENOENT' ? `stat ${file}: no such file or directory` : `stat ${file}: ${e.message}`;
  }
}

function checkHTTPClientFiles(c: HTTPClientConfig, syntaxOnly: boolean): void {
  const t = c.tlsConfig;
  if (t.certFile && !t.keyFile) throw new CheckFailure(`client cert file ${JSON.stringify(t.certFile)} specified without client key file`);
  if (t.keyFile && !t.certFile) throw new CheckFailure(`client key file ${JSON.stringify(t.keyFile)} specified without client cert file`);
  if (syntaxOnly) return;
  const cred = c.authorization?.credentialsFile;
  let problem = statProblem(cred);
  if (problem) throw new CheckFailure(`error checking authorization credentials or bearer token file ${JSON.stringify(cred)}: ${problem}`);
  problem = statProblem(t.certFile);
  if (problem) throw new CheckFailure(`error checking client cert file ${JSON.stringify(t.certFile)}: ${problem}`);
  problem = statProblem(t.keyFile);
  if (problem) throw new CheckFailure(`error checking client key file ${JSON.stringify(t.keyFile)}: ${problem}`);
}

function checkFileSD(sd: readonly SDConfig[], owner: string, out: CheckOutput): void {
  for (const c of sd) {
    if (c.kind !== 'file') continue;
    for (const pattern of c.files) {
      const files = expandFileGlob(pattern);
      if (files.length === 0) out.stdout(`  WARNING: file ${JSON.stringify(pattern)} for file_sd in ${owner} does not exist`);
      for (const f of files) {
        try {
          readTargetFile(f);
        } catch (err) {
          throw new CheckFailure(`checking SD file ${JSON.stringify(pattern)}: ${(err as Error).message}`);
        }
      }
    }
  }
}

/** Loads one config and the files it names; returns the rule files to check next. */
function checkOneConfig(file: string, syntaxOnly: boolean, out: CheckOutput): string[] {
  out.stdout(`Checking ${file}`);
  const cfg: Config = loadConfigFile(file);
  const ruleFiles: string[] = [];
  if (!syntaxOnly) {
    for (const pattern of cfg.ruleFiles) {
      const matches = expandFileGlob(pattern);
      if (!hasGlobMeta(pattern) && matches.length === 0) throw new CheckFailure(`${JSON.stringify(pattern)} does not point to an existing file`);
      ruleFiles.push(...matches);
    }
  }
  for (const sc of cfg.scrapeConfigs) {
    checkHTTPClientFiles(sc.httpClient, syntaxOnly);
    if (!syntaxOnly) checkFileSD(sc.serviceDiscovery, `scrape job ${JSON.stringify(sc.jobName)}`, out);
  }
  for (const am of cfg.alerting.alertmanagers) if (!syntaxOnly) checkFileSD(am.serviceDiscovery, 'alertmanager config', out);
  return ruleFiles;
}

function checkRuleFiles(files: readonly string[], out: CheckOutput): boolean {
  let ok = true;
  for (const f of files) {
    out.stdout(`Checking ${f}`);
    try {
      const groups = parseRuleFile(fs.readFileSync(f, 'utf8'), f);
      out.stdout(`  SUCCESS: ${groups.reduce((n, g) => n + g.rules.length, 0)} rules found`);
      out.stdout('');
    } catch (err) {
      ok = false;
      out.stderr('  FAILED:');
      if (err instanceof RuleFileError) for (const e of err.errors) out.stderr(e);
      else out.stderr((err as Error).message);
    }
  }
  return ok;
}

/** Runs the check over every file; returns the exit code (0 all valid, 1 otherwise). */
export function checkConfigFiles(files: readonly string[], syntaxOnly: boolean, out: CheckOutput): number {
  let ok = true;
  for (const file of files) {
    let ruleFiles: string[] = [];
    try {
      ruleFiles = checkOneConfig(file, syntaxOnly, out);
      if (ruleFiles.length > 0) out.stdout(`  SUCCESS: ${ruleFiles.length} rule files found`);
      out.stdout(` SUCCESS: ${file} is valid prometheus config file syntax`);
    } catch (err) {
      if (!(err instanceof ConfigError || err instanceof CheckFailure)) throw err;
      ok = false;
      out.stderr(`  FAILED: ${err.message}`);
    }
    out.stdout('');
    if (!checkRuleFiles(ruleFiles, out)) ok = false;
  }
  return ok ? 0 : 1;
}

registerSubcommand({
  path: ['check', 'config'],
  usage: 'check config <config-files>...',
  help: 'Check if the config files are valid or not (like promtool check config).',
  flags: [{ name: 'syntax-only', kind: 'bool', help: 'Only check the config file syntax, ignoring file and content validation referenced in the config.' }],
  run: async (args, flags) => {
    if (args.length === 0) {
      process.stderr.write('flint: error: required argument \'config-files\' not provided, try --help\n');
      return 2;
    }
    return checkConfigFiles(args, flags.get('syntax-only') === true, {
      stdout: (line) => process.stdout.write(line + '\n'),
      stderr: (line) => process.stderr.write(line + '\n'),
    });
  },
});
