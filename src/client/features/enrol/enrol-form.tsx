import { useId, useRef, useState, type FormEvent } from 'react';
import { TEXT_LIMITS } from '../../../shared/schema';
import type { Enrolment } from '../../db/core/database';
import { enrolDevice, type EnrolProblem } from '../../sync/enrol';
import { readEnrolLink } from '../../ui/enrol-link';
import { QrScanner, useCanScanQr } from '../../ui/qr-scanner';
import { EnrolField } from './enrol-field';
import { useEnrolMessages, type EnrolMessages } from './messages';

type Field = EnrolProblem['field'];
type Values = Record<Field, string>;

const PROBLEM_TEXT: Record<EnrolProblem['reason'], Parameters<EnrolMessages>[0]> = {
  'server-address': 'serverAddress',
  'server-unreachable': 'serverUnreachable',
  'not-daybook': 'notDaybook',
  'server-error': 'serverError',
  'needs-update': 'needsUpdate',
  'code-empty': 'codeEmpty',
  'code-invalid': 'codeInvalid',
  'rate-limited': 'rateLimited',
  'name-empty': 'nameEmpty',
  'name-too-long': 'nameTooLong',
  'name-invalid': 'nameInvalid',
};

/**
 * What the address bar brings: `?server=...&code=...` from a QR code a lead shows, otherwise the
 * address this app was loaded from (the Daybook server serves the app, so it is usually right).
 */
function prefill(): Values {
  const link = readEnrolLink(globalThis.location?.search ?? '');
  const origin = globalThis.location?.origin ?? '';
  return {
    serverUrl: link.server ?? (/^https?:/.test(origin) ? origin : ''),
    code: link.code ?? '',
    deviceName: '',
  };
}

type EnrolFormProps = { onEnrolled: (enrolment: Enrolment) => void; onCancel?: () => void };

/** Server address, enrolment code and a name for the tablet; each problem said at its field. */
export function EnrolForm({ onEnrolled, onCancel }: EnrolFormProps) {
  const m = useEnrolMessages();
  const titleId = useId();
  const [values, setValues] = useState(prefill);
  const [problem, setProblem] = useState<EnrolProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  // A double tap must not spend a single-use code twice (the second would say it is wrong).
  const sending = useRef(false);
  const serverInput = useRef<HTMLInputElement>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const canScan = useCanScanQr();
  const [scanning, setScanning] = useState(false);
  const [scanNote, setScanNote] = useState<string | null>(null);
  const [scanDone, setScanDone] = useState(false);

  const change = (field: Field) => (value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    if (problem?.field === field) setProblem(null);
  };
  const errorAt = (field: Field) => (problem?.field === field ? m(PROBLEM_TEXT[problem.reason]) : null);

  /** A QR code the camera read: a lead's enrol link fills in the server and the code. */
  const scanned = (text: string): boolean => {
    let link: URL | null = null;
    try {
      link = new URL(text);
    } catch {
      // Not a link at all: a child's card, say.
    }
    const { server, code } = readEnrolLink(link?.search ?? '');
    if (!server || !code) {
      setScanNote(m('scanNotEnrol'));
      return false;
    }
    setValues((current) => ({ ...current, serverUrl: server, code }));
    setProblem(null);
    setScanning(false);
    setScanNote(null);
    setScanDone(true);
    nameInput.current?.focus();
    return true;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setFailure(null);
    try {
      const outcome = await enrolDevice(values);
      if (outcome.ok) {
        onEnrolled(outcome.enrolment);
        return;
      }
      setProblem(outcome.problem);
      const input = { serverUrl: serverInput, code: codeInput, deviceName: nameInput }[outcome.problem.field];
      input.current?.focus();
    } catch (error) {
      // The server said yes but this tablet could not store it (storage full, say).
      setFailure(m('saveFailed', { reason: error instanceof Error ? error.message : String(error) }));
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  return (
    <form className="panel enrol-form" aria-labelledby={titleId} onSubmit={(event) => void submit(event)} noValidate>
      <h2 id={titleId}>{m('formTitle')}</h2>
      {canScan ? (
        <div className="enrol-scan">
          {scanning ? (
            <QrScanner onRead={scanned} onStop={() => setScanning(false)} note={scanNote} />
          ) : (
            <button
              type="button"
              className="button"
              onClick={() => {
                setScanDone(false);
                setScanning(true);
              }}
            >
              {m('scan')}
            </button>
          )}
          {scanDone && (
            <p className="enrol-scan-read" role="status">
              {m('scanRead')}
            </p>
          )}
        </div>
      ) : (
        <p className="hint">{m('cameraAppHint')}</p>
      )}
      <EnrolField
        label={m('serverLabel')}
        hint={m('serverHint')}
        value={values.serverUrl}
        onChange={change('serverUrl')}
        error={errorAt('serverUrl')}
        inputRef={serverInput}
        type="url"
        inputMode="url"
        autoCapitalize="none"
        autoComplete="url"
        spellCheck={false}
      />
      <EnrolField
        label={m('codeLabel')}
        hint={m('codeHint')}
        value={values.code}
        onChange={change('code')}
        error={errorAt('code')}
        inputRef={codeInput}
        autoCapitalize="characters"
        autoComplete="off"
        spellCheck={false}
        maxLength={TEXT_LIMITS.enrolmentCode}
      />
      <EnrolField
        label={m('nameLabel')}
        hint={m('nameHint')}
        value={values.deviceName}
        onChange={change('deviceName')}
        error={errorAt('deviceName')}
        inputRef={nameInput}
        autoComplete="off"
        maxLength={TEXT_LIMITS.deviceName}
      />
      {failure && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? m('enrolling') : m('enrol')}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            {m('cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
