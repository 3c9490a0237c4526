import fc from 'fast-check';
import { Labels, labelsFromRecord } from '../model/labels';
import { compileAnchored } from '../model/regex';
import { relabel, RelabelAction, RelabelConfig } from './relabel';

const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/);
const labelSet = fc.dictionary(name, fc.string({ maxLength: 6 }), { maxKeys: 6 }).map(labelsFromRecord);
const action = fc.constantFrom<RelabelAction>('replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase');
const step = fc
  .record({
    action,
    sourceLabels: fc.array(name, { maxLength: 3 }),
    regex: fc.constantFrom('(.*)', 'a.*', '(b)(.*)', '', '[a-c]+'),
    targetLabel: name,
    replacement: fc.constantFrom('$1', '${1}x', 'fixed', ''),
    modulus: fc.integer({ min: 1, max: 1000 }),
  })
  .map(
    (s): RelabelConfig => ({
      ...s,
      separator: ';',
      regex: compileAnchored(s.regex),
      replacement: s.action === 'labelmap' && s.replacement === '' ? '$1' : s.replacement,
    })
  );

function isWellFormed(ls: Labels): boolean {
  for (let i = 0; i < ls.length; i++) {
    if (ls[i].value === '') return false;
    if (i > 0 && ls[i - 1].name >= ls[i].name) return false;
  }
  return true;
}

test('any sequence of steps yields a sorted label set without empty values, or null', () => {
  fc.assert(
    fc.property(labelSet, fc.array(step, { maxLength: 5 }), (ls, steps) => {
      const out = relabel(ls, steps);
      return out === null || isWellFormed(out);
    })
  );
});

test('relabeling is deterministic and does not change its input', () => {
  fc.assert(
    fc.property(labelSet, fc.array(step, { maxLength: 5 }), (ls, steps) => {
      const before = JSON.stringify(ls);
      const a = relabel(ls, steps);
      const b = relabel(ls, steps);
      return JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(ls) === before;
    })
  );
});

test('labelkeep of everything is the identity', () => {
  const keepAll: RelabelConfig = { action: 'labelkeep', sourceLabels: [], separator: ';', regex: compileAnchored('.*'), targetLabel: '', replacement: '$1', modulus: 0 };
  fc.assert(fc.property(labelSet, (ls) => JSON.stringify(relabel(ls, [keepAll])) === JSON.stringify(ls)));
});
