import { atLocalTime, localHourSlots, localTime } from '../../../shared/dates';
import type { DayFacts } from '../../../shared/summary';
import { useElementWidth } from '../../ui/use-element-width';
import { formatMinutes } from './format';
import { useSummaryMessages } from './messages';

type PresenceChartProps = {
  facts: DayFacts;
  timeZone: string;
  openingHours: { opens: string; closes: string };
  maxChildrenPerVolunteer: number;
};

const HEIGHT = 280;
const PAD = { left: 48, right: 16, top: 16, bottom: 40 };

/** A round top for the scale: 4, 5, 10, 15, 20, 30, 40, 50, 60, 80, 100... */
function niceTop(value: number): number {
  const steps = [4, 5, 10, 15, 20, 30, 40, 50, 60, 80, 100, 150, 200, 300, 400, 500];
  return steps.find((step) => step >= value) ?? Math.ceil(value / 100) * 100;
}

/**
 * Children present through the day against the volunteers on duty and what they may look after
 * (volunteers × the ratio limit), with the stretches over the limit or with no volunteer shaded.
 * Drawn at the element's own width so its text is real size.
 */
export function PresenceChart({ facts, timeZone, openingHours, maxChildrenPerVolunteer }: PresenceChartProps) {
  const m = useSummaryMessages();
  const { ref: frame, width } = useElementWidth();
  const steps = facts.timeline;
  if (steps.length === 0 || facts.horizon === null) return null;

  const start = Math.min(steps[0]![0], atLocalTime(facts.day, openingHours.opens, timeZone));
  const end = Math.max(facts.horizon, atLocalTime(facts.day, openingHours.closes, timeZone));
  const mostCapacity = Math.max(...steps.map(([, , volunteers]) => volunteers * maxChildrenPerVolunteer));
  const top = niceTop(Math.max(facts.peakPresent, Math.min(mostCapacity, facts.peakPresent * 2)));
  const plotWidth = Math.max(100, width - PAD.left - PAD.right);
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (at: number) => PAD.left + ((at - start) / Math.max(1, end - start)) * plotWidth;
  const y = (count: number) => PAD.top + plotHeight - (Math.min(count, top) / top) * plotHeight;
  const until = (i: number) => steps[i + 1]?.[0] ?? facts.horizon!;

  const stepPath = (value: (step: (typeof steps)[number]) => number) => {
    const parts = [`M${x(steps[0]![0]).toFixed(1)} ${y(value(steps[0]!)).toFixed(1)}`];
    steps.forEach((step, i) => {
      if (i > 0) parts.push(`V${y(value(step)).toFixed(1)}`);
      parts.push(`H${x(until(i)).toFixed(1)}`);
    });
    return parts.join(' ');
  };
  const childrenLine = stepPath(([, children]) => children);
  const childrenArea = `${childrenLine} V${y(0)} H${x(steps[0]![0]).toFixed(1)} Z`;
  const capacityLine = stepPath(([, , volunteers]) => volunteers * maxChildrenPerVolunteer);
  const volunteersLine = stepPath(([, , volunteers]) => volunteers);
  const unsafe = steps
    .map(([at, children, volunteers], i) => ({ at, until: until(i), bad: children > 0 && (volunteers === 0 || children > volunteers * maxChildrenPerVolunteer) }))
    .filter((segment) => segment.bad && segment.until > segment.at);
  const hours = localHourSlots(facts.day, timeZone).filter((slot) => slot.start >= start && slot.start <= end);
  const labelEvery = plotWidth / Math.max(1, hours.length) < 56 ? 3 : plotWidth / Math.max(1, hours.length) < 80 ? 2 : 1;
  const description = m('presenceDescription', {
    from: localTime(start, timeZone),
    to: localTime(end, timeZone),
    peak: facts.peakPresent,
    unsafe: formatMinutes(m, facts.minutesOverRatio + facts.minutesWithoutVolunteer),
  });

  return (
    <figure className="presence-chart">
      <figcaption>
        <h3>{m('presenceTitle')}</h3>
        <ul className="chart-legend">
          <li className="legend-children">{m('legendChildren')}</li>
          <li className="legend-volunteers">{m('legendVolunteers')}</li>
          <li className="legend-limit">{m('legendLimit', { n: maxChildrenPerVolunteer })}</li>
          {unsafe.length > 0 && <li className="legend-unsafe">{m('legendUnsafe')}</li>}
        </ul>
      </figcaption>
      <div ref={frame} className="chart-frame">
        <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-label={description}>
          {unsafe.map((segment) => (
            <rect key={segment.at} className="chart-unsafe" x={x(segment.at)} y={PAD.top} width={Math.max(1, x(segment.until) - x(segment.at))} height={plotHeight} />
          ))}
          {[0, top / 2, top].map((tick) => (
            <g key={tick}>
              <line className="chart-grid" x1={PAD.left} x2={PAD.left + plotWidth} y1={y(tick)} y2={y(tick)} />
              <text className="chart-tick" x={PAD.left - 8} y={y(tick) + 6} textAnchor="end">
                {tick}
              </text>
            </g>
          ))}
          {hours.map((slot, i) =>
            i % labelEvery === 0 ? (
              <text key={slot.start} className="chart-tick" x={x(slot.start)} y={HEIGHT - 12} textAnchor="middle">
                {String(slot.hour).padStart(2, '0')}
              </text>
            ) : null,
          )}
          <path className="chart-children" d={childrenArea} />
          <path className="chart-capacity" d={capacityLine} />
          <path className="chart-volunteers" d={volunteersLine} />
        </svg>
      </div>
    </figure>
  );
}
