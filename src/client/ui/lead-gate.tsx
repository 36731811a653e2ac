import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { db } from '../db/db';
import { tryLeadPin } from '../db/repositories/lead-pin';
import { defineMessages } from '../i18n/define-messages';
import { leadLock, useLeadAccess } from './lead-lock';

export const useLeadGateMessages = defineMessages({
  en: () => import('./lead-gate-messages/en'),
  fr: () => import('./lead-gate-messages/fr'),
  ar: () => import('./lead-gate-messages/ar'),
  ckb: () => import('./lead-gate-messages/ckb'),
  fa: () => import('./lead-gate-messages/fa'),
});

/**
 * Lead screens and actions, behind the lead's PIN once the tablet has been idle (ui/lead-lock.ts).
 * On a volunteer's tablet, and on a lead's tablet without a PIN, the children show as they are:
 * the screens say themselves what a volunteer may not do.
 */
export function LeadGate({ children, whenLocked }: { children: ReactNode; whenLocked?: ReactNode }) {
  const access = useLeadAccess();
  // While the role and the PIN are read, nothing: neither a lead's forms nor the PIN form.
  if (access === 'loading') return null;
  if (access !== 'locked') return <>{children}</>;
  // A screen with two gated parts asks for the PIN once: the second passes `whenLocked={null}`.
  return whenLocked === undefined ? <PinForm /> : <>{whenLocked}</>;
}

function PinForm() {
  const m = useLeadGateMessages();
  const id = useId();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      const tried = await tryLeadPin(db, pin);
      if (tried === 'right') {
        leadLock.unlock();
        return;
      }
      setPin('');
      setError(m(tried === 'wait' ? 'waitPin' : 'wrongPin'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel lead-gate" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)} noValidate>
      <h2 id={`${id}-title`}>{m('lockedTitle')}</h2>
      <p className="hint">{m('lockedHint')}</p>
      <div className="field">
        <label htmlFor={id}>{m('pinLabel')}</label>
        <div className="code-row">
          <input
            id={id}
            className="code-input"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            value={pin}
            onChange={(event) => {
              setPin(event.target.value.replace(/\D/g, ''));
              setError(null);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          <button type="submit" className="button primary" disabled={busy}>
            {m('unlock')}
          </button>
        </div>
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <p className="hint">{m('forgotPin')}</p>
    </form>
  );
}
