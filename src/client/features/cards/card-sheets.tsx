import { memo, type CSSProperties } from 'react';
import { formatCodeForReading } from '../../../shared/codes';
import { QrCode } from '../../ui/qr-code';
import { useElementWidth } from '../../ui/use-element-width';
import { useCardsMessages } from './messages';

/**
 * The A4 sheets as they print (cards.css sizes them in millimetres): the cards cut into pages
 * here, not by the printer, so a card is never split across two pages and the preview shows
 * exactly the pages that come out.
 */
export type CardLayout = 'cards' | 'wristbands';

/** 2 × 5 cards of 85 × 54 mm (a bank card's size), or 10 labels of 180 × 26 mm, on A4 inside its margins. */
export const PER_SHEET: Record<CardLayout, number> = { cards: 10, wristbands: 10 };

export function sheetsOf<T>(items: readonly T[], layout: CardLayout): T[][] {
  const sheets: T[][] = [];
  for (let at = 0; at < items.length; at += PER_SHEET[layout]) sheets.push(items.slice(at, at + PER_SHEET[layout]));
  return sheets;
}

/** A sheet's width in CSS pixels: the 180 mm inside A4's side margins (cards.css). */
const SHEET_WIDTH_PX = (180 * 96) / 25.4;
/** On screen a sheet is shown at about half size: two side by side on a tablet held sideways. */
const PREVIEW_SCALE = 0.55;

type CardSheetsProps = { codes: readonly string[]; layout: CardLayout; centreName: string | null };

/** Memoised: typing in the filter above must not redraw two hundred QR codes. */
export const CardSheets = memo(function CardSheets({ codes, layout, centreName }: CardSheetsProps) {
  const m = useCardsMessages();
  const sheets = sheetsOf(codes, layout);
  const Card = layout === 'cards' ? CodeCard : WristbandLabel;
  // Smaller still on a phone, so a sheet never makes the page wider than the screen; printed, cards.css sets 1.
  const { ref, width } = useElementWidth(SHEET_WIDTH_PX);
  const scale = { '--preview-scale': Math.min(PREVIEW_SCALE, width / SHEET_WIDTH_PX) } as CSSProperties;
  return (
    <div ref={ref} className={`card-sheets card-sheets-${layout}`} style={scale}>
      {sheets.map((sheet, index) => (
        <div key={index} className="card-sheet" role="group" aria-label={m('page', { n: index + 1, of: sheets.length })}>
          {sheet.map((code) => (
            <Card key={code} code={code} centreName={centreName} />
          ))}
        </div>
      ))}
    </div>
  );
});

type CardProps = { code: string; centreName: string | null };

/**
 * The code as it is read aloud, digits in one breath then the rest ('4173 K9'), one part a line;
 * the QR code holds the code as typed on the keypad ('4173K9'), so a scan is a typed code.
 */
function CodeText({ code, className }: { code: string; className: string }) {
  const parts = formatCodeForReading(code).split(' ');
  return (
    <p className={`${className}${code.length > 7 ? ' long-code' : ''}`} translate="no">
      {parts.map((part, index) => (
        <span key={index}>{part}</span>
      ))}
    </p>
  );
}

function CodeCard({ code, centreName }: CardProps) {
  const m = useCardsMessages();
  return (
    <div className="code-card">
      <QrCode className="code-card-qr" text={code} label={m('qrLabel', { code: formatCodeForReading(code) })} />
      <div className="code-card-words">
        {centreName && <p className="code-card-centre">{centreName}</p>}
        <CodeText code={code} className="code-card-code" />
      </div>
    </div>
  );
}

/** A long narrow label for a paper wristband: the code and a small QR code at one end, the rest is strap to stick down. */
function WristbandLabel({ code, centreName }: CardProps) {
  const m = useCardsMessages();
  return (
    <div className="wristband-label">
      <QrCode className="wristband-qr" text={code} label={m('qrLabel', { code: formatCodeForReading(code) })} />
      <CodeText code={code} className="wristband-code" />
      {centreName && <p className="wristband-centre">{centreName}</p>}
    </div>
  );
}
