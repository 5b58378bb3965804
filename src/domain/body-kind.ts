/** What a hook body is, by its Content-Type: the one rule that ingest and resolution share. */
export type BodyKind = 'json' | 'form';

/** JSON or a form; null for a type hooks never use (or an empty header). No Content-Type: JSON. */
export function bodyKind(contentType: string | null | undefined): BodyKind | null {
  if (contentType === undefined || contentType === null) return 'json';
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return null;
}
