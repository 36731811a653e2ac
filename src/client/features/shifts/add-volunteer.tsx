import { useId, useState, type FormEvent } from 'react';
import { useShiftsMessages } from './messages';
import { NameField } from './name-field';
import { nameProblem, type NameSaved } from './save-name';

type AddVolunteerProps = { onAdd: (displayName: string) => Promise<NameSaved> };

/** A new volunteer in seconds: one field, one button. */
export function AddVolunteer({ onAdd }: AddVolunteerProps) {
  const m = useShiftsMessages();
  const titleId = useId();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = nameProblem(typed, m);
    if (problem) {
      setError(problem);
      return;
    }
    const saved = await onAdd(typed);
    if (saved.ok) setTyped('');
    setError(saved.ok ? null : saved.fieldError);
  };

  return (
    <form className="panel add-volunteer" aria-labelledby={titleId} onSubmit={(event) => void submit(event)} noValidate>
      <h2 id={titleId}>{m('addTitle')}</h2>
      <div className="add-row">
        <NameField
          value={typed}
          onChange={(next) => {
            setTyped(next);
            setError(null);
          }}
          error={error}
        />
        <button type="submit" className="button primary">
          {m('add')}
        </button>
      </div>
    </form>
  );
}
