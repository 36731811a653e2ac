import { useId, type ReactNode } from 'react';
import type { SettingKey, SettingValue } from '../../../shared/schema';
import { useSettingsMessages } from './messages';

/** Saves one centre setting and shows the confirmation with Undo; false when nothing was saved. */
export type SaveSetting = <K extends SettingKey>(key: K, value: SettingValue<K>, confirmation: string) => Promise<boolean>;

type SettingsFormProps = {
  title: string;
  /** A volunteer device shows the setting as it is, with no way to change it. */
  readOnly: boolean;
  onSave: () => void;
  children: ReactNode;
};

/** One centre setting: its own form, its own Save. */
export function SettingsForm({ title, readOnly, onSave, children }: SettingsFormProps) {
  const m = useSettingsMessages();
  const titleId = useId();
  return (
    <form
      className="panel settings-form"
      aria-labelledby={titleId}
      onSubmit={(event) => {
        event.preventDefault();
        if (!readOnly) onSave();
      }}
      noValidate
    >
      <h3 id={titleId}>{title}</h3>
      {/* A disabled fieldset turns every control in it read-only, however many there are. */}
      <fieldset className="settings-fields" disabled={readOnly}>
        {children}
      </fieldset>
      {!readOnly && (
        <div className="actions">
          <button type="submit" className="button primary">
            {m('save')}
            <span className="visually-hidden"> {title}</span>
          </button>
        </div>
      )}
    </form>
  );
}

type FieldErrorProps = { id: string; error: string | null };

/** The message under a field; its id goes in the field's aria-describedby. */
export function FieldError({ id, error }: FieldErrorProps) {
  return error ? (
    <p id={id} className="field-error">
      {error}
    </p>
  ) : null;
}

/** aria-describedby for a field with a hint and maybe an error. */
export function describedBy(hintId: string | null, errorId: string, error: string | null): string | undefined {
  return [hintId, error ? errorId : null].filter(Boolean).join(' ') || undefined;
}
