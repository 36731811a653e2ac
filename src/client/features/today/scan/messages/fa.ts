import type en from './en';

/** Persian. */
export default {
  title: 'اسکن کارت کودک',
  looking: 'کارت کودک را جلوی دوربین بگیرید.',
  notACard: 'این کد QR کارت کودک نیست. کارت را اسکن کنید، یا کدی را که روی آن چاپ شده است تایپ کنید.',
  scan: 'اسکن کارت',
} satisfies Record<keyof typeof en, string>;
