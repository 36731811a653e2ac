import type en from './en';

/** Central Kurdish (Sorani). */
export default {
  title: 'سکانکردنی کارتی منداڵ',
  looking: 'کارتی منداڵەکە لەبەردەم کامێراکە بگرە.',
  notACard: 'ئەو کۆدی QRە کارتی منداڵ نییە. کارتەکە سکان بکە، یان ئەو کۆدە بنووسە کە لەسەری چاپ کراوە.',
  scan: 'سکانکردنی کارت',
} satisfies Record<keyof typeof en, string>;
