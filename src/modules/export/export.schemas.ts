import Joi from 'joi';
import { component, uuid } from '../../http/schemas';
import type { ExportOptions } from './export.service';
import { TRIM_SIZE_IDS } from './layout';

const trimSize = Joi.string()
  .valid(...TRIM_SIZE_IDS)
  .default('letter')
  .description(
    'The finished page: `letter` 8.5 × 11 in (default), `a4` 210 × 297 mm, `8x10` 8 × 10 in, ' +
      '`8.5x8.5` 8.5 × 8.5 in, `6x9` 6 × 9 in',
  );
const bleed = Joi.boolean()
  .default(false)
  .description(
    'Add 0.125 in to the top, the bottom and the outer edge (KDP): letter becomes 8.625 × 11.25 in. ' +
      'Default false',
  );
const includeStories = Joi.boolean()
  .default(true)
  .description("Print each story's text on pages before its first coloring page. Default true");
const blankBacks = Joi.boolean()
  .default(false)
  .description('Print every coloring page on a right-hand page with a blank page behind it. Default false');

/** What `ExportBody` validates to: the book's options (every one defaulted) and the format. */
export interface ExportInput extends ExportOptions {
  format: 'pdf';
}

export const ExportBody = Joi.object<ExportInput, true>({
  format: Joi.string().valid('pdf').required().description('Only `pdf`'),
  trimSize,
  bleed,
  includeStories,
  blankBacks,
});

export const PreflightQuery = Joi.object<ExportOptions, true>({
  trimSize,
  bleed,
  includeStories,
  blankBacks,
});

const ExportWarningSchema = component(
  'ExportWarning',
  Joi.object({
    code: Joi.string()
      .required()
      .description(
        '`LOW_DPI`, `FILE_MISSING` (on a page); `NO_PAGES`, `BELOW_PAPERBACK_MINIMUM`, ' +
          '`ABOVE_PAPERBACK_MAXIMUM` (on the book)',
      ),
    message: Joi.string().required(),
  }),
);

const inches = Joi.object({ width: Joi.number().required(), height: Joi.number().required() });

const PreflightPageSchema = component(
  'ExportPreflightPage',
  Joi.object({
    pageNumber: Joi.number().integer().min(1).required(),
    kind: Joi.string()
      .valid('cover', 'page', 'drawing')
      .required()
      .description("`cover`: the title page's image; `page`: a coloring page; `drawing`: a drawing's PNG"),
    imageId: uuid.allow(null).required().description('The image printed (null for a drawing)'),
    drawingId: uuid.allow(null).required().description('The drawing printed (null for an image)'),
    widthPx: Joi.number().integer().allow(null).required(),
    heightPx: Joi.number().integer().allow(null).required(),
    printedSizeIn: inches.allow(null).required().description('Its size on the page, in inches'),
    effectiveDpi: Joi.number()
      .integer()
      .allow(null)
      .required()
      .description(
        'Pixels per inch at the printed size (null when its file is missing and its size unknown)',
      ),
    warnings: Joi.array().items(ExportWarningSchema).required(),
  }),
);

export const PreflightSchema = component(
  'ExportPreflight',
  Joi.object({
    trimSize: Joi.string()
      .valid(...TRIM_SIZE_IDS)
      .required(),
    bleed: Joi.boolean().required(),
    includeStories: Joi.boolean().required(),
    blankBacks: Joi.boolean().required(),
    pageCount: Joi.number()
      .integer()
      .min(0)
      .required()
      .description('Always even (a blank last page pads it)'),
    spineWidthIn: Joi.number().required().description('Paperback spine at 0.0025 in per page'),
    trimSizeIn: inches.required(),
    pageSizeIn: inches.required().description('The PDF page (MediaBox): the trim plus the bleed'),
    marginsIn: Joi.object({
      outer: Joi.number().required().description('Top, bottom and outer edge'),
      gutter: Joi.number().required().description('Inner edge; grows with the page count'),
    }).required(),
    binding: Joi.object({
      evenPageCount: Joi.boolean().required(),
      paperback: Joi.object({
        fits: Joi.boolean().required(),
        minPages: Joi.number().integer().required(),
        maxPages: Joi.number().integer().required(),
      }).required(),
      saddleStitch: Joi.object({
        fits: Joi.boolean().required().description('A multiple of 4 pages, at most maxPages'),
        maxPages: Joi.number().integer().required(),
      }).required(),
      spineTextAllowed: Joi.boolean().required(),
    }).required(),
    pages: Joi.array()
      .items(PreflightPageSchema)
      .required()
      .description('The pages that print an image, in page order'),
    warnings: Joi.array().items(ExportWarningSchema).required().description("The book's own warnings"),
    warningCount: Joi.number()
      .integer()
      .min(0)
      .required()
      .description("The book's and the pages' warnings together (what `X-Export-Warnings` says)"),
  }),
);
