// A `lock` file holding the owner's PID keeps two processes from writing one directory. A lock
// whose process no longer exists (killed, crashed) is taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DirLock {
  private constructor(private readonly file: string) {}

  static acquire(dir: string): DirLock {
    const file = path.join(dir, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
        return new DirLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = Number(fs.readFileSync(file, 'utf8').trim());
        if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
          throw new Error(`lock DB directory: ${dir} is in use by process ${owner}`);
        }
        fs.rmSync(file, { force: true });
      }
    }
    throw new Error(`lock DB directory: could not take over the stale lock in ${dir}`);
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }
}
