import { useI18n } from '../../i18n/i18n';
import { ChoiceGroup } from '../../ui/choice-group';
import { formatDay } from '../../ui/format-day';
import { useCloseMessages } from './messages';

type DayPickerProps = {
  /** Today first, then earlier days still open, most recent first. */
  days: readonly string[];
  today: string;
  value: string;
  onChange: (day: string) => void;
};

/** Today, or an earlier day left open: a lead sometimes closes the next morning. */
export function DayPicker({ days, today, value, onChange }: DayPickerProps) {
  const m = useCloseMessages();
  const { language } = useI18n();
  const choices = days.map((day) => ({ value: day, label: day === today ? m('today') : formatDay(day, language) }));
  return <ChoiceGroup legend={m('dayLegend')} choices={choices} value={value} onChange={onChange} />;
}
