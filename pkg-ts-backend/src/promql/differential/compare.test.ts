import { ApiAnswer, compareAnswers, valuesClose } from './compare';

const matrix = (values: [number, string][], metric: Record<string, string> = { a: '1' }): ApiAnswer => ({
  status: 'success',
  data: { resultType: 'matrix', result: [{ metric, values }] },
});

describe('compareAnswers', () => {
  it('accepts values within the relative tolerance, NaN against NaN, infinities', () => {
    expect(valuesClose(1, 1 + 1e-7)).toBe(true);
    expect(valuesClose(1, 1.001)).toBe(false);
    expect(valuesClose(NaN, NaN)).toBe(true);
    expect(valuesClose(NaN, 0)).toBe(false);
    expect(compareAnswers(matrix([[1, '+Inf']]), matrix([[1, '+Inf']]))).toBeUndefined();
    expect(compareAnswers(matrix([[1, '+Inf']]), matrix([[1, '-Inf']]))).toMatch(
      /flint -Infinity vs Prometheus Infinity/
    );
  });

  it('reports missing series, missing timestamps and one-sided failures', () => {
    expect(compareAnswers(matrix([[1, '2']]), matrix([[1, '2']], { a: '2' }))).toMatch(/only in/);
    expect(
      compareAnswers(
        matrix([
          [1, '2'],
          [2, '3'],
        ]),
        matrix([[1, '2']])
      )
    ).toMatch(/at 2000: flint undefined/);
    expect(compareAnswers({ status: 'error', error: 'x' }, matrix([]))).toMatch(/Prometheus failed/);
    expect(compareAnswers({ status: 'error' }, { status: 'error' })).toBeUndefined();
  });

  it('compares order only when asked', () => {
    const two = (first: string, second: string): ApiAnswer => ({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { a: first }, value: [1, '1'] },
          { metric: { a: second }, value: [1, '1'] },
        ],
      },
    });
    expect(compareAnswers(two('x', 'y'), two('y', 'x'))).toBeUndefined();
    expect(compareAnswers(two('x', 'y'), two('y', 'x'), true)).toMatch(/order differs/);
  });
});
