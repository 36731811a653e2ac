import type { DaySummary } from '../../../shared/summary';
import { useI18n } from '../../i18n/i18n';
import { formatShortDay } from '../../ui/format-day';
import { useElementWidth } from '../../ui/use-element-width';
import { useSummaryMessages } from './messages';

type TrendChartProps = {
  title: string;
  days: readonly DaySummary[];
  /** The day the lead is looking at, drawn in the stronger colour. */
  selected?: string;
};

const HEIGHT = 200;
const PAD = { left: 8, right: 8, top: 28, bottom: 36 };

/** Children each day as bars: is the centre busier than last week, than last month? */
export function TrendChart({ title, days, selected }: TrendChartProps) {
  const m = useSummaryMessages();
  const { language } = useI18n();
  const { ref: frame, width } = useElementWidth();
  if (days.length === 0) return null;
  const busiest = Math.max(...days.map((day) => day.uniqueChildren));
  // The scale's top: at least 1, so a fortnight of empty days draws flat bars, not NaN.
  const most = Math.max(1, busiest);
  const slot = (width - PAD.left - PAD.right) / days.length;
  const bar = Math.max(2, slot * 0.7);
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  // Labels as wide as a short day need about 64 px; on a narrow chart only some days get one.
  const labelEvery = Math.max(1, Math.ceil(64 / slot));
  const showValues = slot >= 28;
  const average = Math.round(days.reduce((sum, day) => sum + day.uniqueChildren, 0) / days.length);
  const description = m('trendDescription', {
    from: formatShortDay(days[0]!.day!, language),
    to: formatShortDay(days[days.length - 1]!.day!, language),
    average,
    busiest,
  });
  return (
    <figure className="trend-chart">
      <figcaption>
        <h3>{title}</h3>
      </figcaption>
      <div ref={frame} className="chart-frame">
        <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-label={description}>
          {days.map((day, i) => {
            const height = (day.uniqueChildren / most) * plotHeight;
            const left = PAD.left + i * slot + (slot - bar) / 2;
            const fromRight = days.length - 1 - i;
            return (
              <g key={day.day}>
                <rect className={day.day === selected ? 'trend-bar trend-bar-selected' : 'trend-bar'} x={left} y={PAD.top + plotHeight - height} width={bar} height={Math.max(height, day.uniqueChildren > 0 ? 2 : 0)} />
                {showValues && (
                  <text className="chart-tick" x={left + bar / 2} y={PAD.top + plotHeight - height - 6} textAnchor="middle">
                    {day.uniqueChildren}
                  </text>
                )}
                {fromRight % labelEvery === 0 && (
                  <text className="chart-tick" x={left + bar / 2} y={HEIGHT - 10} textAnchor="middle">
                    {slot * labelEvery >= 96 ? formatShortDay(day.day!, language) : day.day!.slice(8).replace(/^0/, '')}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
