import { defineMessages } from '../i18n/define-messages';

const useCountMessages = defineMessages({
  en: { count: '{n} of {max} characters', full: '{n} of {max} characters: that is the most' },
  fr: { count: '{n} sur {max} caractères', full: '{n} sur {max} caractères : c’est le maximum' },
});

/**
 * How much of a long field's room is used ("312 of 500 characters"), so its limit never comes as
 * a surprise. Tie it to its field with aria-describedby; it is not a live region (one
 * announcement per key press would drown the reader).
 */
export function TextCount({ id, length, max }: { id: string; length: number; max: number }) {
  const m = useCountMessages();
  return (
    <p id={id} className={`hint text-count${length >= max ? ' full' : ''}`}>
      {m(length >= max ? 'full' : 'count', { n: length, max })}
    </p>
  );
}
