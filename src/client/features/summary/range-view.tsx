import { useId, useState } from 'react';
import { addDays, firstOfMonth } from '../../../shared/dates';
import { useI18n } from '../../i18n/i18n';
import { formatDay } from '../../ui/format-day';
import { checkReportRange, COMPLEMENTARY_MARK, FUNDERS_MIN_CELL, MAX_REPORT_DAYS, reportCsv, type RangeProblem } from '../../../shared/summary';
import { KeyFigures } from './key-figures';
import { useSummaryMessages } from './messages';
import { RangeTable } from './range-table';
import { TrendChart } from './trend-chart';
import { useRangeReport } from '../../db/hooks/summary';
import { DayField } from './day-field';
import { downloadCsv } from './csv-download';

type RangeViewProps = {
  from: string;
  to: string;
  today: string;
  timeZone: string;
  onChange: (range: { from: string; to: string }) => void;
};

/** The thresholds funders ask for: 5 by default, 10 or 11 for some. */
const FUNDERS_THRESHOLDS = [FUNDERS_MIN_CELL, 10, 11] as const;

/** From and to, a table of the days with their total, the trend, and the CSV files. */
export function RangeView({ from, to, today, timeZone, onChange }: RangeViewProps) {
  const m = useSummaryMessages();
  const { language } = useI18n();
  const checked = checkReportRange(from, to);
  const ready = useRangeReport(checked.ok ? checked.days : []);
  const problem: RangeProblem | null = checked.ok ? null : checked.problem;
  const [minCell, setMinCell] = useState<number>(FUNDERS_MIN_CELL);
  const thresholdId = useId();
  const message = (which: RangeProblem) =>
    ({ 'bad-from': m('badDate'), 'bad-to': m('badDate'), 'from-after-to': m('fromAfterTo'), 'too-long': m('tooLong', { n: MAX_REPORT_DAYS }) })[which];
  const lastMonthEnd = addDays(firstOfMonth(today), -1);
  const quick = [
    { id: 'last7', label: m('last7'), from: addDays(today, -6), to: today },
    { id: 'thisMonth', label: m('thisMonth'), from: firstOfMonth(today), to: today },
    { id: 'lastMonth', label: m('lastMonth'), from: firstOfMonth(lastMonthEnd), to: lastMonthEnd },
  ];

  return (
    <div className="range-view">
      <div className="summary-controls no-print">
        <DayField label={m('fromLabel')} value={from} max={today} onChange={(day) => onChange({ from: day, to })} error={problem === 'bad-from' || problem === 'from-after-to' ? message(problem) : undefined} />
        <DayField label={m('toLabel')} value={to} max={today} onChange={(day) => onChange({ from, to: day })} error={problem === 'bad-to' || problem === 'too-long' ? message(problem) : undefined} />
      </div>
      <div className="quick-ranges no-print" role="group" aria-label={m('quickLegend')}>
        {quick.map((choice) => (
          <button key={choice.id} type="button" className="button" aria-pressed={choice.from === from && choice.to === to} onClick={() => onChange({ from: choice.from, to: choice.to })}>
            {choice.label}
          </button>
        ))}
      </div>
      {checked.ok &&
        (!ready ? (
          <p role="status">{m('loading')}</p>
        ) : (
          <>
            <h2 className="summary-day">{m('rangeTitle', { from: formatDay(from, language), to: formatDay(to, language) })}</h2>
            <section aria-labelledby="range-totals-title">
              <h3 id="range-totals-title">{m('totalsTitle')}</h3>
              <KeyFigures summary={ready.report.total} timeZone={timeZone} total />
            </section>
            {ready.report.days.length > 1 && <TrendChart title={m('rangeTrend')} days={ready.report.days} />}
            <RangeTable report={ready.report} from={from} to={to} />
            <div className="downloads no-print">
              <button type="button" className="button primary" onClick={() => downloadCsv(`daybook-${from}-${to}.csv`, reportCsv(ready.report, 0))}>
                {m('download')}
              </button>
              <button type="button" className="button" onClick={() => downloadCsv(`daybook-${from}-${to}-funders.csv`, reportCsv(ready.report, minCell))}>
                {m('downloadFunders', { n: minCell })}
              </button>
              <span className="funders-threshold">
                <label htmlFor={thresholdId}>{m('fundersThreshold')}</label>
                <select id={thresholdId} value={minCell} onChange={(event) => setMinCell(Number(event.target.value))}>
                  {FUNDERS_THRESHOLDS.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </span>
              <p className="hint">{m('downloadHint')}</p>
              <p className="hint">{m('fundersHint', { n: minCell, max: minCell - 1, mark: COMPLEMENTARY_MARK })}</p>
            </div>
          </>
        ))}
    </div>
  );
}
