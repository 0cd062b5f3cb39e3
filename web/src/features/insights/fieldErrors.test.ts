import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api';
import { fieldErrorsOf } from './fieldErrors';

const invalid = (errors: { field: string; message: string }[]) =>
  new ApiError(422, 'invalid request', { detail: 'invalid request', code: 'invalid_request', errors });

describe('fieldErrorsOf', () => {
  it('puts each message on its field, paths with indexes as numbers, the body prefix dropped', () => {
    const known = (name: (string | number)[]) => name[0] !== 'nope';
    const { fields, rest } = fieldErrorsOf(
      invalid([
        { field: 'name', message: 'too long' },
        { field: 'body.products.0.name', message: 'required' },
        { field: 'name', message: 'bad word' },
        { field: 'nope', message: 'unknown' },
      ]),
      known,
    );
    expect(fields).toEqual([
      { name: ['name'], errors: ['too long', 'bad word'] },
      { name: ['products', 0, 'name'], errors: ['required'] },
    ]);
    expect(rest).toEqual(['nope: unknown']);
  });

  it('leaves a domain 422 or any other error to the form as a whole', () => {
    const domain = new ApiError(422, 'account_ids [x] are not Douyin accounts', { code: 'unprocessable' });
    expect(fieldErrorsOf(domain, () => true)).toEqual({
      fields: [],
      rest: ['account_ids [x] are not Douyin accounts'],
    });
    expect(fieldErrorsOf(new ApiError(409, 'exists', {}), () => true).rest).toEqual(['exists']);
  });
});
