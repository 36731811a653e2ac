/**
 * The link a lead's QR code carries and the enrol screen reads (`/enrol?server=...&code=...`):
 * one place for both, so the tablet that shows the code and the tablet that scans it never
 * disagree on a parameter's name. The link opens the app on the server itself (the Daybook
 * server serves the app), so a system camera app that opens it lands on a filled-in form.
 */
export const ENROL_PATH = '/enrol';

export function enrolLink(serverUrl: string, code: string): string {
  const base = serverUrl.replace(/\/+$/, '');
  return `${base}${ENROL_PATH}?${new URLSearchParams({ server: base, code }).toString()}`;
}

/** What an enrol link's query brings: the server's address and the code, when present. */
export function readEnrolLink(search: string): { server: string | null; code: string | null } {
  const query = new URLSearchParams(search);
  return { server: query.get('server'), code: query.get('code') };
}
