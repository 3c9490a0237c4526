import { join } from 'node:path';
import { testRuleFiles } from './testRules';

async function run(files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await testRuleFiles(files, { stdout: (l) => (stdout += l + '\n'), stderr: (l) => (stderr += l + '\n') });
  return { code, stdout, stderr };
}

describe('flint test rules', () => {
  test('reports failures exactly as promtool test rules does', async () => {
    // The expected text is promtool's output for testdata/ut.yml.
    const file = join(__dirname, '..', 'rules', 'testdata', 'ut.yml');
    const r = await run([file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`Unit Testing:  ${file}\n\n\n\n\n`);
    expect(r.stderr).toBe(
      [
        '  FAILED:',
        '    alertname: InstanceDown, time: 5m, ',
        '        exp:[], ',
        '        got:[',
        '            0:',
        '              Labels:{alertname="InstanceDown", instance="a", job="api", severity="page"}',
        '              Annotations:{summary="a of api down (prod)"}',
        '            ]',
        '    expr: "job:up:sum", time: 1m,',
        '        exp: {__name__="job:up:sum", job="api"} 3E+00',
        '        got: {__name__="job:up:sum", job="api"} 2E+00',
        '    expr: "sum(up", time: 1m, err: 1:7: parse error: unclosed left parenthesis',
        '',
      ].join('\n')
    );
  });

  test('passing tests print SUCCESS and exit 0 (promtool agrees on testdata/ut-pass.yml)', async () => {
    const file = join(__dirname, '..', 'rules', 'testdata', 'ut-pass.yml');
    expect(await run([file])).toEqual({ code: 0, stdout: `Unit Testing:  ${file}\n  SUCCESS\n\n`, stderr: '' });
  });
});
