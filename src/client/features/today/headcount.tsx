import { ratioStatus, type RatioLimits } from '../../../shared/ratio';
import { useTodayMessages } from './messages';

type HeadcountProps = { children: number; volunteers: number; limits: RatioLimits };

/**
 * The numbers a lead glances at from across the room: children in, volunteers on duty and the
 * ratio, in a warning colour (and words, not colour alone) when a limit is broken.
 */
export function Headcount({ children, volunteers, limits }: HeadcountProps) {
  const t = useTodayMessages();
  const status = ratioStatus(children, volunteers, limits);
  const warning = status.state === 'over-limit' || status.state === 'no-volunteer';
  const ratioText = status.childrenPerVolunteer === null ? '–' : t('ratioValue', { n: status.childrenPerVolunteer });
  return (
    <section className={`headcount${warning ? ' warning' : ''}`} aria-labelledby="headcount-title">
      <h2 id="headcount-title" className="visually-hidden">
        {t('headcountTitle')}
      </h2>
      <dl className="headcount-figures">
        <div className="figure">
          <dt>{t('childrenIn', { n: children })}</dt>
          <dd data-testid="children-in">{children}</dd>
        </div>
        <div className="figure">
          <dt>{t('volunteersOnDuty', { n: volunteers })}</dt>
          <dd data-testid="volunteers-on-duty">{volunteers}</dd>
        </div>
        <div className="figure">
          <dt>{t('ratio')}</dt>
          <dd>{ratioText}</dd>
        </div>
      </dl>
      {status.state === 'over-limit' && (
        <p className="headcount-warning" role="alert">
          {t('ratioOverLimit', { max: limits.maxChildrenPerVolunteer, capacity: status.capacity, over: children - status.capacity })}
        </p>
      )}
      {status.state === 'no-volunteer' && (
        <p className="headcount-warning" role="alert">
          {t('ratioNoVolunteer')}
        </p>
      )}
    </section>
  );
}
