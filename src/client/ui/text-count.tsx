import { useUiMessages } from './messages';

/**
 * How much of a long field's room is used ("312 of 500 characters"), so its limit never comes as
 * a surprise. Tie it to its field with aria-describedby; it is not a live region (one
 * announcement per key press would drown the reader).
 */
export function TextCount({ id, length, max }: { id: string; length: number; max: number }) {
  const m = useUiMessages();
  return (
    <p id={id} className={`hint text-count${length >= max ? ' full' : ''}`}>
      {m(length >= max ? 'characterCountFull' : 'characterCount', { n: length, max })}
    </p>
  );
}
