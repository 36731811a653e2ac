import { addDays, daysInRange, localTime } from '../../../shared/dates';
import { AGE_BANDS, GENDERS, type CentreSettings } from '../../../shared/schema';
import { useActivityLabel } from '../../ui/activity-label';
import { useI18n } from '../../i18n/i18n';
import { formatDay } from '../../ui/format-day';
import { BarList } from './bar-list';
import { DayField } from './day-field';
import { KeyFigures } from './key-figures';
import { useSummaryMessages } from './messages';
import { PresenceChart } from './presence-chart';
import { TrendChart } from './trend-chart';
import { useDayClose } from '../../db/hooks/access';
import { useRangeReport } from '../../db/hooks/summary';

type DayViewProps = {
  day: string;
  today: string;
  settings: CentreSettings;
  onDayChange: (day: string) => void;
};

/** One day's summary: the figures, presence through the day, who came, sessions, and the trend. */
export function DayView({ day, today, settings, onDayChange }: DayViewProps) {
  const m = useSummaryMessages();
  const { language } = useI18n();
  const ready = useRangeReport([day]);
  const close = useDayClose(day);
  // The trend waits for the day's own figures: on a slow tablet they are what the lead asked for.
  const month = useRangeReport(ready ? daysInRange(addDays(day, -29), day) : []);
  const summary = ready?.report.days[0];
  const facts = ready?.facts[0];
  const activityLabel = useActivityLabel(settings.activityTypes);

  return (
    <div className="day-view">
      <div className="summary-controls no-print">
        <button type="button" className="button" onClick={() => onDayChange(addDays(day, -1))}>
          {m('previousDay')}
        </button>
        <DayField label={m('dayLabel')} value={day} max={today} onChange={onDayChange} />
        <button type="button" className="button" disabled={day >= today} onClick={() => onDayChange(addDays(day, 1))}>
          {m('nextDay')}
        </button>
      </div>
      <h2 className="summary-day">{day === today ? `${m('today')}, ${formatDay(day, language)}` : formatDay(day, language)}</h2>
      {!summary || !facts ? (
        <p role="status">{m('loading')}</p>
      ) : (
        <>
          {close?.closedAt !== undefined ? (
            <p className="summary-note">{m('dayClosedNotice', { time: localTime(close.closedAt, settings.timeZone) })}</p>
          ) : close === null ? (
            <p className="summary-note">{day === today ? m('dayNotice') : m('dayNotClosed')}</p>
          ) : null}
          {summary.uniqueChildren === 0 && <p className="summary-note">{m('noData')}</p>}
          <KeyFigures summary={summary} timeZone={settings.timeZone} />
          <PresenceChart facts={facts} timeZone={settings.timeZone} openingHours={settings.openingHours} maxChildrenPerVolunteer={settings.ratioLimits.maxChildrenPerVolunteer} />
          <div className="breakdowns">
            <BarList title={m('byAgeTitle')} bars={AGE_BANDS.map((band) => ({ id: band, label: m('ageBand', { band }), value: summary.byAgeBand[band] }))} />
            <BarList title={m('byGenderTitle')} bars={GENDERS.map((gender) => ({ id: gender, label: m(gender), value: summary.byGender[gender] }))} />
            <BarList
              title={m('activitiesTitle')}
              empty={m('noSessions')}
              bars={Object.entries(summary.sessionsByActivity).map(([id, figures]) => ({
                id,
                label: activityLabel(id),
                value: figures.participants,
                detail: m('activityRow', { sessions: figures.sessions, participants: figures.participants }),
              }))}
            />
          </div>
        </>
      )}
      {month && (
        <div className="trends">
          <TrendChart title={m('weekTrend')} days={month.report.days.slice(-7)} selected={day} />
          <TrendChart title={m('monthTrend')} days={month.report.days} selected={day} />
        </div>
      )}
    </div>
  );
}
