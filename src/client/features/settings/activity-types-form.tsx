import { useId, useState, type KeyboardEvent } from 'react';
import { TEXT_LIMITS } from '../../../shared/schema';
import type { SettingValue } from '../../../shared/schema';
import { activityIdFromLabel } from '../../db/repositories/settings';
import { useSettingsMessages, type SettingsMessages } from './messages';
import { describedBy, FieldError, SettingsForm, type SaveSetting } from './settings-form';

type ActivityType = SettingValue<'activityTypes'>[number];

type ActivityTypesFormProps = { stored: readonly ActivityType[]; readOnly: boolean; save: SaveSetting };

const MAX_TYPES = 40;
const LABEL_MAX = TEXT_LIMITS.activityLabel;

const sameLabel = (a: string, b: string) => a.trim().localeCompare(b.trim(), undefined, { sensitivity: 'base' }) === 0;

/** The problem with a label among the others, or null. Two "Art"s would split one activity's counts. */
function labelProblem(label: string, others: readonly ActivityType[], m: SettingsMessages): string | null {
  if (label.trim() === '') return m('activityNameEmpty');
  const clash = others.find((other) => sameLabel(other.label, label));
  return clash ? m('activityNameTaken', { label: clash.label.trim() }) : null;
}

/**
 * The activity types sessions are started with: rename, add, stop offering, offer again. A type is
 * never removed: sessions name their activity by id (the repository refuses a removal too).
 */
export function ActivityTypesForm({ stored, readOnly, save }: ActivityTypesFormProps) {
  const m = useSettingsMessages();
  const baseId = useId();
  const [draft, setDraft] = useState<ActivityType[] | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [newLabel, setNewLabel] = useState('');
  const [newError, setNewError] = useState<string | null>(null);
  const rows = draft ?? stored;
  const newId = `${baseId}-new`;

  /** The list with the typed new activity added, or null (and a message at the field) when it cannot be. */
  const withNew = (): ActivityType[] | null => {
    const problem = rows.length >= MAX_TYPES ? m('activityTooMany', { n: MAX_TYPES }) : labelProblem(newLabel, rows, m);
    setNewError(problem);
    if (problem) return null;
    const label = newLabel.trim();
    return [...rows, { id: activityIdFromLabel(label, rows.map((row) => row.id)), label, active: true }];
  };

  const add = () => {
    const next = withNew();
    if (!next) return;
    setDraft(next);
    setNewLabel('');
  };

  const submit = async () => {
    // Text left in the new-activity field is meant to be added, not silently dropped.
    const list = newLabel.trim() === '' ? [...rows] : withNew();
    if (!list) return;
    const errors: Record<string, string> = {};
    list.forEach((row, index) => {
      const problem = labelProblem(row.label, list.slice(0, index), m);
      if (problem) errors[row.id] = problem;
    });
    setRowErrors(errors);
    setDraft(list);
    setNewLabel('');
    if (Object.keys(errors).length > 0) return;
    if (await save('activityTypes', list.map((row) => ({ ...row, label: row.label.trim() })), m('activityTypesSaved'))) setDraft(null);
  };

  const update = (id: string, change: Partial<ActivityType>) => {
    setDraft(rows.map((row) => (row.id === id ? { ...row, ...change } : row)));
    if ('label' in change) setRowErrors(({ [id]: _cleared, ...rest }) => rest);
  };

  const addOnEnter = (event: KeyboardEvent<HTMLInputElement>) => {
    // Enter in this field adds the activity; it must not save the whole list yet.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    add();
  };

  return (
    <SettingsForm title={m('activityTypesTitle')} readOnly={readOnly} onSave={() => void submit()}>
      <ul className="activity-list">
        {rows.map((row, index) => {
          const id = `${baseId}-${row.id}`;
          const error = rowErrors[row.id] ?? null;
          return (
            <li key={row.id} className={row.active ? 'activity-row' : 'activity-row inactive'}>
              <label htmlFor={id} className="visually-hidden">
                {m('activityName', { n: index + 1 })}
              </label>
              <input
                id={id}
                className="settings-input"
                value={row.label}
                maxLength={LABEL_MAX}
                onChange={(event) => update(row.id, { label: event.target.value })}
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy(row.active ? null : `${id}-off`, `${id}-error`, error)}
              />
              {!row.active && (
                <span id={`${id}-off`} className="activity-off">
                  {m('notOffered')}
                </span>
              )}
              <button type="button" className="button" onClick={() => update(row.id, { active: !row.active })}>
                {row.active ? m('deactivate') : m('reactivate')}
                <span className="visually-hidden"> {row.label}</span>
              </button>
              <FieldError id={`${id}-error`} error={error} />
            </li>
          );
        })}
      </ul>
      <div className="field">
        <label htmlFor={newId}>{m('newActivity')}</label>
        <p id={`${newId}-hint`} className="hint">
          {m('newActivityHint')}
        </p>
        <div className="add-row">
          <input
            id={newId}
            className="settings-input"
            value={newLabel}
            maxLength={LABEL_MAX}
            onChange={(event) => {
              setNewLabel(event.target.value);
              setNewError(null);
            }}
            onKeyDown={addOnEnter}
            enterKeyHint="done"
            aria-invalid={newError ? true : undefined}
            aria-describedby={describedBy(`${newId}-hint`, `${newId}-error`, newError)}
          />
          <button type="button" className="button" onClick={add}>
            {m('add')}
          </button>
        </div>
        <FieldError id={`${newId}-error`} error={newError} />
      </div>
    </SettingsForm>
  );
}
