/**
 * The one error the demo systems' state throws. Stores stay free of HTTP, but a missing record
 * or an invalid field has to become a 404 or 422 in each system's own error format, so the
 * error carries that status; merchant methods simply let it throw.
 */
export class DemoError extends Error {
  constructor(
    readonly status: 400 | 404 | 422,
    message: string,
    /** The field that failed validation, for Shopify-style `{errors: {field: [detail]}}` bodies. */
    readonly field?: string,
    /** The problem without the field name: "can't be blank". */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'DemoError';
  }
}

export function notFound(what: string): DemoError {
  return new DemoError(404, `${what} not found`);
}

/** A 422 for one field; `detail` reads after the field name: invalid('title', "can't be blank"). */
export function invalid(field: string, detail: string): DemoError {
  return new DemoError(422, `${field} ${detail}`, field, detail);
}
