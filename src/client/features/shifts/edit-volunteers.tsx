import { useId, useState, type FormEvent } from 'react';
import type { Stored } from '../../db/core/database';
import { useShiftsMessages } from './messages';
import { NameField } from './name-field';
import { nameProblem, type NameSaved } from './save-name';

type Volunteer = Stored<'volunteers'>;

type EditVolunteersProps = {
  volunteers: readonly Volunteer[];
  onRename: (volunteer: Volunteer, displayName: string) => Promise<NameSaved>;
  onRemove: (volunteer: Volunteer) => Promise<boolean>;
};

/**
 * Renaming and taking volunteers off the list, kept apart from the sign-on tiles so a tap on a
 * name never does anything but sign on or off.
 */
export function EditVolunteers({ volunteers, onRename, onRemove }: EditVolunteersProps) {
  const m = useShiftsMessages();
  const titleId = useId();
  const [editingId, setEditingId] = useState<string | null>(null);
  if (volunteers.length === 0) return null;
  return (
    <section className="panel edit-volunteers" aria-labelledby={titleId}>
      <h2 id={titleId}>{m('editTitle')}</h2>
      <ul className="edit-list">
        {volunteers.map((volunteer) =>
          volunteer.id === editingId ? (
            <li key={volunteer.id}>
              <EditVolunteer
                volunteer={volunteer}
                onRename={async (name) => {
                  const saved = await onRename(volunteer, name);
                  if (saved.ok) setEditingId(null);
                  return saved;
                }}
                onRemove={async () => {
                  if (await onRemove(volunteer)) setEditingId(null);
                }}
                onClose={() => setEditingId(null)}
              />
            </li>
          ) : (
            <li key={volunteer.id} className="edit-row">
              <span className="edit-name" dir="auto">
                {volunteer.displayName}
              </span>
              <button type="button" className="button" onClick={() => setEditingId(volunteer.id)}>
                {m('edit')} <span className="visually-hidden">{volunteer.displayName}</span>
              </button>
            </li>
          ),
        )}
      </ul>
    </section>
  );
}

type EditVolunteerProps = {
  volunteer: Volunteer;
  onRename: (displayName: string) => Promise<NameSaved>;
  onRemove: () => Promise<void>;
  onClose: () => void;
};

function EditVolunteer({ volunteer, onRename, onRemove, onClose }: EditVolunteerProps) {
  const m = useShiftsMessages();
  const titleId = useId();
  const [typed, setTyped] = useState(volunteer.displayName ?? '');
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = nameProblem(typed, m);
    if (problem) {
      setError(problem);
      return;
    }
    const saved = await onRename(typed);
    if (!saved.ok) setError(saved.fieldError);
  };

  return (
    <form className="edit-volunteer" aria-labelledby={titleId} onSubmit={(event) => void submit(event)} noValidate>
      <h3 id={titleId}>{m('editing', { name: volunteer.displayName ?? '' })}</h3>
      <NameField
        value={typed}
        onChange={(next) => {
          setTyped(next);
          setError(null);
        }}
        error={error}
        autoFocus
      />
      <div className="actions">
        <button type="submit" className="button primary">
          {m('saveName')}
        </button>
        <button type="button" className="button" onClick={() => void onRemove()}>
          {m('removeFromList')}
        </button>
        <button type="button" className="button" onClick={onClose}>
          {m('close')}
        </button>
      </div>
    </form>
  );
}
