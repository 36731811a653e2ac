import { useRef, useState, type FormEvent } from 'react';
import type { CodeProblem, CodeScheme } from '../../../shared/codes';
import type { Stored } from '../../db/core/database';
import type { TodayMessageKey } from './messages';
import { useTodayMessages } from './messages';
import { CodeSuggestions } from './code-suggestions';
import { Keypad } from './keypad';
import { useScanCard } from './scan-card-loader';

const PROBLEM_MESSAGES: Record<CodeProblem, TodayMessageKey> = {
  empty: 'codeEmpty',
  'too-long': 'codeTooLong',
  'bad-character': 'codeBadCharacter',
  'wrong-check': 'codeWrongCheck',
};

type FindChildProps = {
  scheme: CodeScheme;
  presentIds: ReadonlySet<string>;
  /** Checks the typed code; resolves to a problem to show at the field, or null when handled. */
  onSubmitCode: (typed: string) => Promise<CodeProblem | null>;
  onChooseChild: (child: Stored<'children'>) => Promise<void>;
  onNewChild: () => void;
  disabled?: boolean;
};

/**
 * The code field with its keypad: type a code, one tap checks the child in or out (or offers
 * registration). Or scan the child's card: the camera sends what it reads as a typed code, and
 * the keypad stays below it, so typing is always one tap away.
 */
export function FindChild({ scheme, presentIds, onSubmitCode, onChooseChild, onNewChild, disabled }: FindChildProps) {
  const t = useTodayMessages();
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<CodeProblem | null>(null);
  const [keyboard, setKeyboard] = useState(false);
  const scan = useScanCard();
  const field = useRef<HTMLInputElement>(null);

  const change = (next: string) => {
    setTyped(next);
    setProblem(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = await onSubmitCode(typed);
    setProblem(found);
    if (!found) setTyped('');
  };

  const choose = async (child: Stored<'children'>) => {
    setTyped('');
    setProblem(null);
    await onChooseChild(child);
  };

  return (
    <form className="find-child" onSubmit={(event) => void submit(event)} noValidate>
      <fieldset disabled={disabled} className="find-child-fields">
        <div className="field">
          <label htmlFor="child-code">{t('childCodeLabel')}</label>
          <p id="child-code-hint" className="hint">
            {t('childCodeHint')}
          </p>
          <div className="code-row">
            <input
              id="child-code"
              ref={field}
              name="code"
              className="code-input"
              value={typed}
              onChange={(event) => change(event.target.value)}
              // Keypad first: the tablet's own keyboard would cover half the screen.
              inputMode={keyboard ? 'text' : 'none'}
              autoComplete="off"
              autoCapitalize="characters"
              autoCorrect="off"
              spellCheck={false}
              enterKeyHint="go"
              maxLength={24}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? 'child-code-hint child-code-error' : 'child-code-hint'}
            />
            <button
              type="button"
              className="button"
              aria-pressed={keyboard}
              onClick={() => {
                setKeyboard(!keyboard);
                field.current?.focus();
              }}
            >
              {t('useKeyboard')}
            </button>
            {/* Closing the camera returns to the field: typing is always one tap away. A day
                that turns read-only turns the camera off (its Stop would be disabled with the rest). */}
            {scan && !disabled && <scan.ScanCard onSubmitCode={onSubmitCode} onClose={() => field.current?.focus()} />}
          </div>
          {problem && (
            <p id="child-code-error" className="field-error">
              {t(PROBLEM_MESSAGES[problem])}
            </p>
          )}
        </div>
        <CodeSuggestions typed={typed} scheme={scheme} presentIds={presentIds} onChoose={(child) => void choose(child)} />
        <Keypad onKey={(symbol) => change(typed + symbol)} onBackspace={() => change(typed.slice(0, -1))} />
        <div className="actions">
          <button type="submit" className="button primary">
            {t('find')}
          </button>
          <button type="button" className="button" onClick={onNewChild}>
            {t('newChild')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}
