import type { FormInstance } from 'antd';
import { isApiError } from '../../lib/api';

export interface FieldMessage {
  name: (string | number)[];
  errors: string[];
}

/**
 * The BFF's 422 (`errors: [{field, message}]`, `field` a dotted path such as `products.0.name`) as antd
 * form fields. `body.` is dropped (a body's own fields are the form's); a field the form does not know is
 * left to `rest`, which the page shows above the form. A domain 422 (`unprocessable`) has no `errors`: its
 * `detail` goes to `rest`.
 */
export function fieldErrorsOf(
  error: unknown,
  known: (name: (string | number)[]) => boolean,
): { fields: FieldMessage[]; rest: string[] } {
  if (!isApiError(error)) return { fields: [], rest: error ? [String(error)] : [] };
  const body = error.body as { errors?: { field: string; message: string }[] } | undefined;
  const listed = error.status === 422 && Array.isArray(body?.errors) ? body.errors : [];
  if (listed.length === 0) return { fields: [], rest: [error.detail] };
  const byName = new Map<string, FieldMessage>();
  const rest: string[] = [];
  for (const { field, message } of listed) {
    const parts = field.split('.').filter((part, i) => !(i === 0 && part === 'body'));
    const name = parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    if (name.length === 0 || !known(name)) {
      rest.push(`${field}: ${message}`);
      continue;
    }
    const key = name.join('.');
    const entry = byName.get(key) ?? { name, errors: [] };
    entry.errors.push(message);
    byName.set(key, entry);
  }
  return { fields: [...byName.values()], rest };
}

/** Puts the answer's field messages on `form`, walking up a path to the nearest field the form has
 * (`products.0.name` on a form with only `products`); returns what fits no field. */
export function showFieldErrors(form: FormInstance, error: unknown): string[] {
  const registered = new Set(form.getFieldsError().map((field) => field.name.join('.')));
  const nearest = (name: (string | number)[]): (string | number)[] | undefined => {
    for (let n = name.length; n > 0; n--) {
      if (registered.has(name.slice(0, n).join('.'))) return name.slice(0, n);
    }
    return undefined;
  };
  const { fields, rest } = fieldErrorsOf(error, (name) => nearest(name) !== undefined);
  const merged = new Map<string, FieldMessage>();
  for (const field of fields) {
    const name = nearest(field.name) ?? field.name;
    const key = name.join('.');
    const entry = merged.get(key) ?? { name, errors: [] };
    entry.errors.push(...field.errors);
    merged.set(key, entry);
  }
  form.setFields([...merged.values()]);
  return rest;
}
