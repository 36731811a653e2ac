import { formatCodeForReading, normaliseCode, type CodeScheme } from '../../../shared/codes';
import type { Stored } from '../../db/core/database';
import { useCodeSuggestions } from '../../db/hooks/children';
import { useTodayMessages } from './messages';

const MAX_SUGGESTIONS = 6;

type CodeSuggestionsProps = {
  typed: string;
  scheme: CodeScheme;
  presentIds: ReadonlySet<string>;
  onChoose: (child: Stored<'children'>) => void;
};

/** Suggestions as the volunteer types: one tap checks the suggested child in or out. */
export function CodeSuggestions({ typed, scheme, presentIds, onChoose }: CodeSuggestionsProps) {
  const t = useTodayMessages();
  const suggestions = useCodeSuggestions(normaliseCode(typed, scheme), MAX_SUGGESTIONS);
  if (suggestions.length === 0) return null;
  return (
    <section className="suggestions" aria-labelledby="suggestions-title">
      <h3 id="suggestions-title" className="suggestions-title">
        {t('suggestionsTitle')}
      </h3>
      <ul className="suggestion-list">
        {suggestions.map((child) => {
          const present = presentIds.has(child.id);
          return (
            <li key={child.id}>
              <button type="button" className="button suggestion" onClick={() => onChoose(child)}>
                <span className="suggestion-code">{formatCodeForReading(child.code ?? '')}</span>
                <span className="suggestion-action">{present ? t('suggestionCheckOut') : t('suggestionCheckIn')}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
