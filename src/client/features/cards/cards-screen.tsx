import { useId, useMemo, useState } from 'react';
import { formatCodeForReading } from '../../../shared/codes';
import { db } from '../../db/db';
import { useDeviceRole } from '../../db/hooks/access';
import { useCentreSettings } from '../../db/hooks/settings';
import { reserveCodesAhead } from '../../db/repositories/reserved-codes';
import { ChoiceGroup } from '../../ui/choice-group';
import { ActionNotice, useActions } from '../../ui/actions';
import { LeadGate } from '../../ui/lead-gate';
import { CardSheets, sheetsOf, type CardLayout } from './card-sheets';
import { ChooseChildren } from './choose-children';
import { CodesAhead } from './codes-ahead';
import { useCardsMessages } from './messages';
import { useCardChildren, useCentreName, useReservedBatches } from './use-cards';
import './cards.css';

type Source = 'children' | 'ahead';

/** `/cards?children=<id>,<id>`: the children another screen sends here to print their cards. */
function childrenAsked(): Set<string> {
  const asked = new URLSearchParams(globalThis.location?.search ?? '').get('children') ?? '';
  return new Set(asked.split(',').filter((id) => id.length > 0));
}

/**
 * /cards (lead): code cards to print on A4, for chosen children or for a batch of codes issued
 * ahead for a busy opening. A card holds the code and the centre's name, nothing else about the
 * child (product.md, data protection).
 */
export function CardsScreen() {
  const m = useCardsMessages();
  const role = useDeviceRole();
  if (role === undefined) return null;
  return (
    <div className="cards-screen">
      <h1>{m('title')}</h1>
      {role !== 'lead' ? (
        <p className="lead-only">{m('leadOnly')}</p>
      ) : (
        <LeadGate>
          <PrintCards />
        </LeadGate>
      )}
    </div>
  );
}

function PrintCards() {
  const m = useCardsMessages();
  const settings = useCentreSettings();
  const children = useCardChildren();
  const batches = useReservedBatches();
  const centreName = useCentreName();
  const actions = useActions();
  const [asked] = useState(childrenAsked);
  const [source, setSource] = useState<Source>('children');
  const [layout, setLayout] = useState<CardLayout>('cards');
  const [chosen, setChosen] = useState<Set<string>>(asked);
  const [shownBatchId, setShownBatchId] = useState<string | null>(null);

  const shownBatch = batches?.find((batch) => batch.id === shownBatchId) ?? batches?.[0];
  const codes = useMemo(() => {
    if (source === 'ahead') return shownBatch?.waiting ?? [];
    return (children ?? []).filter((child) => chosen.has(child.id)).map((child) => child.code);
  }, [source, shownBatch, children, chosen]);

  const issue = async (count: number) => {
    const batch = await actions.run(
      () => reserveCodesAhead(db, count),
      (issued) => ({ text: m('issued', { n: issued.codes.length, first: formatCodeForReading(issued.codes[0]!), last: formatCodeForReading(issued.codes.at(-1)!) }) }),
      { key: 'reserve-codes' },
    );
    if (batch) setShownBatchId(batch.id);
  };

  if (children === undefined || batches === undefined || centreName === undefined) return null;
  return (
    <>
      <ActionNotice actions={actions} />
      <div className="no-print">
        <p>{m('intro')}</p>
        {centreName === null && <p className="hint">{m('noCentreName')}</p>}
        <div className="panel cards-choices">
          <ChoiceGroup
            legend={m('sourceLegend')}
            choices={[
              { value: 'children', label: m('sourceChildren') },
              { value: 'ahead', label: m('sourceAhead') },
            ]}
            value={source}
            onChange={setSource}
          />
          <ChoiceGroup
            legend={m('layoutLegend')}
            choices={[
              { value: 'cards', label: m('layoutCards') },
              { value: 'wristbands', label: m('layoutWristbands') },
            ]}
            value={layout}
            onChange={setLayout}
          />
        </div>
        {source === 'children' ? (
          <ChooseChildren registered={children} scheme={settings.codeScheme} chosen={chosen} onChange={setChosen} />
        ) : (
          <CodesAhead scheme={settings.codeScheme} timeZone={settings.timeZone} batches={batches} shownBatchId={shownBatch?.id ?? null} onShow={setShownBatchId} onIssue={issue} />
        )}
      </div>
      <Preview codes={codes} layout={layout} centreName={centreName} />
    </>
  );
}

function Preview({ codes, layout, centreName }: { codes: readonly string[]; layout: CardLayout; centreName: string | null }) {
  const m = useCardsMessages();
  const id = useId();
  const pages = sheetsOf(codes, layout).length;
  const cards = m(layout === 'cards' ? 'cardsMany' : 'labelsMany', { n: codes.length });
  return (
    <section className="card-preview" aria-labelledby={`${id}-title`}>
      <div className="no-print">
        <h2 id={`${id}-title`}>{m('previewTitle')}</h2>
        {codes.length === 0 ? (
          <p>{m('previewNothing')}</p>
        ) : (
          <>
            <p className="preview-count">{m('previewCount', { cards, pages: m('pagesMany', { n: pages }) })}</p>
            <p className="hint">{m('printHint')}</p>
            <div className="actions">
              <button type="button" className="button primary" onClick={() => globalThis.print()}>
                {m('print')}
              </button>
            </div>
          </>
        )}
      </div>
      {codes.length > 0 && <CardSheets codes={codes} layout={layout} centreName={centreName} />}
    </section>
  );
}
