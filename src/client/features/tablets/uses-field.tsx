import { CountField } from '../../ui/count-field';
import { useTabletsMessages } from './messages';

export const MIN_USES = 1;
export const MAX_USES = 100;

/** The number typed, when it is one the server takes (sync-protocol.md: 1 to 100); null otherwise. */
export function usesOf(typed: string): number | null {
  if (!/^\d{1,3}$/.test(typed.trim())) return null;
  const uses = Number(typed.trim());
  return uses >= MIN_USES && uses <= MAX_USES ? uses : null;
}

type UsesFieldProps = { value: string; onChange: (value: string) => void; error: boolean };

/** How many tablets one code may enrol (1 to 100). */
export function UsesField({ value, onChange, error }: UsesFieldProps) {
  const m = useTabletsMessages();
  return (
    <CountField
      label={m('usesLabel')}
      hint={m('usesHint')}
      value={value}
      count={usesOf(value)}
      startFrom={MIN_USES}
      onChange={onChange}
      error={error ? m('usesInvalid') : null}
      min={MIN_USES}
      max={MAX_USES}
      step={1}
      fewerLabel={m('usesFewer')}
      moreLabel={m('usesMore')}
    />
  );
}
