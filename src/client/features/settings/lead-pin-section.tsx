import { useId, useState, type FormEvent } from 'react';
import { db } from '../../db/db';
import { removeLeadPin, setLeadPin } from '../../db/repositories/lead-pin';
import { useLeadPinSet } from '../../db/hooks/access';
import type { Actions } from '../../ui/actions';
import { useSettingsMessages } from './messages';

const PIN = /^\d{4,8}$/;

/**
 * The lead's PIN on this tablet: set, changed or removed (it guards Close day, Settings and
 * Children once the tablet has been idle). Shown only on a lead's tablet, behind the PIN itself.
 */
export function LeadPinSection({ actions }: { actions: Actions }) {
  const m = useSettingsMessages();
  const pinSet = useLeadPinSet();
  const ids = { title: useId(), pin: useId(), again: useId() };
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<{ field: 'pin' | 'again'; text: string } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!PIN.test(pin)) return setError({ field: 'pin', text: m('pinBad') });
    if (again !== pin) return setError({ field: 'again', text: m('pinMismatch') });
    const saved = await actions.run(
      () => setLeadPin(db, pin),
      () => ({ text: m(pinSet ? 'pinChanged' : 'pinSet') }),
      { key: 'lead-pin' },
    );
    if (saved !== null) {
      setPin('');
      setAgain('');
    }
  };

  const remove = () => void actions.run(() => removeLeadPin(db), () => ({ text: m('pinRemoved') }), { key: 'lead-pin' });

  if (pinSet === undefined) return null;
  const field = (id: string, label: string, value: string, onChange: (next: string) => void, which: 'pin' | 'again') => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="settings-input pin-input"
        type="password"
        inputMode="numeric"
        autoComplete="new-password"
        maxLength={8}
        value={value}
        onChange={(event) => {
          onChange(event.target.value.replace(/\D/g, ''));
          setError(null);
        }}
        aria-invalid={error?.field === which ? true : undefined}
        aria-describedby={error?.field === which ? `${id}-error` : undefined}
      />
      {error?.field === which && (
        <p id={`${id}-error`} className="field-error">
          {error.text}
        </p>
      )}
    </div>
  );

  return (
    <form className="panel settings-form" aria-labelledby={ids.title} onSubmit={(event) => void submit(event)} noValidate>
      <h3 id={ids.title}>{m('pinTitle')}</h3>
      <p className="hint">{pinSet ? m('pinHintSet') : m('pinHintNone')}</p>
      {field(ids.pin, pinSet ? m('pinNew') : m('pinLabel'), pin, setPin, 'pin')}
      {field(ids.again, m('pinAgain'), again, setAgain, 'again')}
      <div className="actions">
        <button type="submit" className="button primary">
          {pinSet ? m('pinChange') : m('pinSave')}
        </button>
        {pinSet && (
          <button type="button" className="button" onClick={remove}>
            {m('pinRemove')}
          </button>
        )}
      </div>
    </form>
  );
}
