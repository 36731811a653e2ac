import { useState, type FormEvent } from 'react';
import type { CodeProblem } from '../../../shared/codes';
import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/i18n';

const PROBLEM_MESSAGES: Record<CodeProblem, MessageKey> = {
  empty: 'codeEmpty',
  'too-long': 'codeTooLong',
  'bad-character': 'codeBadCharacter',
  'wrong-check': 'codeWrongCheck',
};

type FindChildProps = {
  /** Checks the typed code; resolves to a problem to show at the field, or null when handled. */
  onSubmitCode: (typed: string) => Promise<CodeProblem | null>;
  onNewChild: () => void;
};

/** The code field: type a code, one tap checks the child in or out (or offers registration). */
export function FindChild({ onSubmitCode, onNewChild }: FindChildProps) {
  const t = useT();
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<CodeProblem | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = await onSubmitCode(typed);
    setProblem(found);
    if (!found) setTyped('');
  };

  return (
    <form className="find-child" onSubmit={(event) => void submit(event)} noValidate>
      <div className="field">
        <label htmlFor="child-code">{t('childCodeLabel')}</label>
        <p id="child-code-hint" className="hint">
          {t('childCodeHint')}
        </p>
        <input
          id="child-code"
          name="code"
          className="code-input"
          value={typed}
          onChange={(event) => {
            setTyped(event.target.value);
            setProblem(null);
          }}
          autoComplete="off"
          autoCapitalize="characters"
          autoCorrect="off"
          spellCheck={false}
          enterKeyHint="go"
          maxLength={24}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'child-code-hint child-code-error' : 'child-code-hint'}
        />
        {problem && (
          <p id="child-code-error" className="field-error">
            {t(PROBLEM_MESSAGES[problem])}
          </p>
        )}
      </div>
      <div className="actions">
        <button type="submit" className="button primary">
          {t('find')}
        </button>
        <button type="button" className="button" onClick={onNewChild}>
          {t('newChild')}
        </button>
      </div>
    </form>
  );
}
