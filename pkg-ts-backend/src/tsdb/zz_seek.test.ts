import { Head } from '/work/main/pkg-ts-backend/src/tsdb/head';
import { labelsFromRecord } from '/work/main/pkg-ts-backend/src/model/labels';
import { Matcher } from '/work/main/pkg-ts-backend/src/model/matcher';
test('seek', async () => {
  const h = new Head();
  const app = h.appender();
  const l = labelsFromRecord({ __name__: 'metric' });
  for (let i = 0; i <= 4000; i++) app.append(0, l, i, 1);
  await app.commit();
  const bad: string[] = [];
  for (const mint of [2998, 2999, 3000, 1999, 2000, 2001]) {
    const q = h.querier(mint, 4000);
    const [s] = q.select(false, undefined, [new Matcher('=', '__name__', 'metric')]);
    let n = 0; const it = s.iterator();
    if (it.seek(mint)) { n = 1; while (it.next() && it.t() <= 4000) n++; }
    let m = 0; const it2 = s.iterator(); while (it2.next()) if (it2.t() >= mint) m++;
    bad.push(`${mint}: seek ${n} next ${m} expect ${4001 - mint}`);
  }
  console.log(bad.join('\n'));
});
