type Bar = { id: string; label: string; value: number; detail?: string };

type BarListProps = { title: string; bars: readonly Bar[]; empty?: string };

/**
 * A small bar chart as a list: each row its label, its number and a bar, so it reads as text to a
 * screen reader and at a glance to everyone else.
 */
export function BarList({ title, bars, empty }: BarListProps) {
  const most = Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <section className="bar-list" aria-label={title}>
      <h3>{title}</h3>
      {bars.length === 0 && empty ? (
        <p>{empty}</p>
      ) : (
        <ul>
          {bars.map((bar) => (
            <li key={bar.id}>
              <span className="bar-label">{bar.label}</span>
              <span className="bar-value">{bar.detail ?? bar.value}</span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${(bar.value / most) * 100}%` }} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
