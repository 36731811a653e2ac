import { useState } from 'react';
import { centreDay, firstOfMonth } from '../../../shared/dates';
import { isCalendarDay } from '../../../shared/schema';
import { useCentreSettings, useNow } from '../../db/hooks/settings';
import { ChoiceGroup } from '../../ui/choice-group';
import { DayView } from './day-view';
import { useSummaryMessages } from './messages';
import { RangeView } from './range-view';
import './summary.css';

type Mode = 'day' | 'range';

/**
 * /summary: the lead's figures, worked out on this tablet from its own records, offline. One day
 * (default today) with its charts and trend, or a range of days as a table with CSV files.
 */
export function SummaryScreen() {
  const m = useSummaryMessages();
  const settings = useCentreSettings();
  const today = centreDay(useNow(), settings.timeZone);
  const [mode, setMode] = useState<Mode>('day');
  const [chosenDay, setChosenDay] = useState<string | null>(null);
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const day = chosenDay ?? today;

  return (
    <div className="summary">
      <div className="summary-heading">
        <h1>{m('title')}</h1>
        <button type="button" className="button no-print" onClick={() => window.print()}>
          {m('print')}
        </button>
      </div>
      <div className="no-print">
        <ChoiceGroup
          legend={m('modeLegend')}
          choices={[
            { value: 'day', label: m('modeDay') },
            { value: 'range', label: m('modeRange') },
          ]}
          value={mode}
          onChange={setMode}
        />
      </div>
      {mode === 'day' ? (
        // A cleared date field gives '' for a moment: the day shown stays until a real one is picked.
        <DayView day={day} today={today} settings={settings} onDayChange={(next) => isCalendarDay(next) && setChosenDay(next)} />
      ) : (
        <RangeView {...(range ?? { from: firstOfMonth(today), to: today })} today={today} timeZone={settings.timeZone} onChange={setRange} />
      )}
    </div>
  );
}
