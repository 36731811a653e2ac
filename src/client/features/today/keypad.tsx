import { useState } from 'react';
import { CODE_ALPHABET } from '../../../shared/codes';
import { useTodayMessages } from './messages';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];
const LETTERS = [...CODE_ALPHABET].filter((symbol) => !DIGITS.includes(symbol));

type KeypadProps = {
  onKey: (symbol: string) => void;
  onBackspace: () => void;
};

/**
 * Big keys for the code, so a volunteer with a child on one arm taps rather than types. Codes
 * start with digits; the letters (only those a code can hold) are one tap away.
 */
export function Keypad({ onKey, onBackspace }: KeypadProps) {
  const t = useTodayMessages();
  const [letters, setLetters] = useState(false);
  const keys = letters ? LETTERS : DIGITS;
  return (
    <div className={`keypad${letters ? ' letters' : ''}`} role="group" aria-label={t('keypad')}>
      {keys.map((symbol) => (
        <button key={symbol} type="button" className="key" onClick={() => onKey(symbol)}>
          {symbol}
        </button>
      ))}
      <button type="button" className="key key-wide" aria-pressed={letters} onClick={() => setLetters(!letters)}>
        {letters ? t('keypadDigits') : t('keypadLetters')}
      </button>
      <button type="button" className="key key-wide" onClick={onBackspace}>
        <span aria-hidden="true">⌫ </span>
        {t('keypadDelete')}
      </button>
    </div>
  );
}
