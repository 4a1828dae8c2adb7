import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { QueryInteger } from '@payrail/payments';

export class KbListQuery {
  @IsOptional()
  @IsString()
  @MaxLength(500, { message: 'q must be at most 500 characters' })
  q?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  gateway?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  code?: string;

  @IsOptional()
  @IsIn(['draft', 'published'], { message: 'status must be draft or published' })
  status?: 'draft' | 'published';

  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'limit must be a whole number from 1 to 100' })
  @Min(1, { message: 'limit must be a whole number from 1 to 100' })
  @Max(100, { message: 'limit must be a whole number from 1 to 100' })
  limit?: number;
}

export class KbDiffQuery {
  @QueryInteger()
  @IsInt({ message: 'from must be a version number' })
  @Min(1, { message: 'from must be a version number' })
  from!: number;

  @QueryInteger()
  @IsInt({ message: 'to must be a version number' })
  @Min(1, { message: 'to must be a version number' })
  to!: number;
}

const codes = (name: string) => [
  IsOptional(),
  IsArray({ message: `${name} must be a list of codes` }),
  ArrayMaxSize(20),
  IsString({ each: true, message: `${name} must be a list of codes` }),
];
const apply =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((d) => d(target, key));

class KbFieldsDto {
  @IsOptional() @IsString() @MaxLength(1000) summary?: string;
  @IsOptional() @IsString() @MaxLength(20_000) symptoms?: string;
  @IsOptional() @IsString() @MaxLength(20_000) cause?: string;
  @IsOptional() @IsString() @MaxLength(20_000) resolution?: string;
  @IsOptional()
  @IsIn(['internal', 'merchant'], { message: 'audience must be internal or merchant' })
  audience?: 'internal' | 'merchant';
  @IsOptional() @IsString() @MaxLength(32) gateway?: string;
  @apply(codes('taxonomy_codes')) taxonomy_codes?: string[];
  @apply(codes('gateway_codes')) gateway_codes?: string[];
  @IsOptional() @IsBoolean({ message: 'retryable must be true or false' }) retryable?: boolean;
  @IsOptional() @IsString() @MaxLength(500) customer_message?: string;
  @apply(codes('tags')) tags?: string[];
  @IsOptional() @IsIn(['draft', 'published'], { message: 'status must be draft or published' }) status?:
    'draft' | 'published';
}

/** `PATCH /admin/kb/articles/{slug}`: any field; what is absent stays. */
export class KbArticlePatchDto extends KbFieldsDto {
  @IsOptional() @IsString() @MaxLength(120) slug?: string;
  @IsOptional() @IsString() @MaxLength(200) title?: string;
}

/** `POST /admin/kb/articles`: slug and title at least; a new article is a draft unless it says otherwise. */
export class KbArticleCreateDto extends KbFieldsDto {
  @IsString({ message: 'slug is required' }) @MaxLength(120) slug!: string;
  @IsString({ message: 'title is required' }) @MaxLength(200) title!: string;
}

export class KbPreviewDto {
  @IsString({ message: 'markdown is required' })
  @MaxLength(60_000)
  markdown!: string;
}

export class KbImportDto {
  @IsArray({ message: 'files must be a list of Markdown files' })
  @ArrayMaxSize(500)
  @IsString({ each: true, message: 'files must be a list of Markdown files' })
  @MaxLength(80_000, { each: true })
  files!: string[];
}
