import { useId } from 'react';

type Choice<V extends string> = { value: V; label: string };

type ChoiceGroupProps<V extends string> = {
  legend: string;
  choices: readonly Choice<V>[];
  value: V | null;
  onChange: (value: V) => void;
  error?: string;
};

/** One answer from a few: big radio buttons styled as tiles, one tap each. */
export function ChoiceGroup<V extends string>({ legend, choices, value, onChange, error }: ChoiceGroupProps<V>) {
  const name = useId();
  const errorId = `${name}-error`;
  return (
    <fieldset className="choice-group" aria-invalid={error ? true : undefined} aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      <div className="choices">
        {choices.map((choice) => (
          <label key={choice.value} className="choice">
            <input type="radio" name={name} value={choice.value} checked={value === choice.value} onChange={() => onChange(choice.value)} />
            <span>{choice.label}</span>
          </label>
        ))}
      </div>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

type ToggleGroupProps<V extends string> = {
  legend: string;
  choices: readonly Choice<V>[];
  values: readonly V[];
  onChange: (values: V[]) => void;
};

/** Any number of answers: big checkboxes styled as tiles. */
export function ToggleGroup<V extends string>({ legend, choices, values, onChange }: ToggleGroupProps<V>) {
  const toggle = (value: V) => onChange(values.includes(value) ? values.filter((v) => v !== value) : [...values, value]);
  return (
    <fieldset className="choice-group">
      <legend>{legend}</legend>
      <div className="choices">
        {choices.map((choice) => (
          <label key={choice.value} className="choice">
            <input type="checkbox" checked={values.includes(choice.value)} onChange={() => toggle(choice.value)} />
            <span>{choice.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
