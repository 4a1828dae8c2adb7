import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { QueryInteger } from '@payrail/payments';
import { CASE_STATUSES, type CaseStatus } from './case.entities';
import { CASE_PRIORITIES, type CasePriority } from './sla';

const PRIORITY = { message: `priority must be one of ${CASE_PRIORITIES.join(', ')}` };
const STATUS = { message: `status must be one of ${CASE_STATUSES.join(', ')}` };
const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class CaseListQuery {
  @IsOptional() @IsIn(CASE_STATUSES, STATUS) status?: CaseStatus;
  @IsOptional() @IsString() @MaxLength(40) merchant_id?: string;

  @IsOptional()
  @QueryInteger()
  @IsInt({ message: 'limit must be a whole number from 1 to 100' })
  @Min(1, { message: 'limit must be a whole number from 1 to 100' })
  @Max(100, { message: 'limit must be a whole number from 1 to 100' })
  limit?: number;
}

export class OpenCaseDto {
  @trim()
  @IsString({ message: 'subject is required' })
  @MinLength(1, { message: 'subject is required' })
  @MaxLength(200)
  subject!: string;
  @IsOptional() @IsString() @MaxLength(10_000) description?: string;
  @IsIn(CASE_PRIORITIES, PRIORITY) priority!: CasePriority;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  payment_ids?: string[];
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  issue_ids?: string[];
  @IsOptional() @IsString() @MaxLength(40) merchant_id?: string;
  @IsOptional() @IsString() @MaxLength(40) assignee_id?: string;
}

export class CasePatchDto {
  @IsOptional()
  @trim()
  @IsString()
  @MinLength(1, { message: 'subject must not be empty' })
  @MaxLength(200)
  subject?: string;
  @IsOptional() @IsString() @MaxLength(10_000) description?: string;
  @IsOptional() @IsIn(CASE_PRIORITIES, PRIORITY) priority?: CasePriority;
  @IsOptional() @IsIn(CASE_STATUSES, STATUS) status?: CaseStatus;
  @IsOptional() @IsString() @MaxLength(40) assignee_id?: string;
}

export class CaseCommentDto {
  @trim()
  @IsString({ message: 'body is required' })
  @MinLength(1, { message: 'body is required' })
  @MaxLength(10_000)
  body!: string;
}

export class CaseEscalateDto {
  @trim()
  @IsString({ message: 'reason is required' })
  @MinLength(1, { message: 'reason is required' })
  @MaxLength(1000)
  reason!: string;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class CalendarDto {
  @IsString({ message: 'name is required' }) @MaxLength(100) name!: string;
  @IsString({ message: 'time_zone is required' }) @MaxLength(64) time_zone!: string;
  @IsArray({ message: 'working_days must be a list of ISO weekdays' })
  @ArrayMaxSize(7)
  @IsInt({ each: true, message: 'working_days must be a list of ISO weekdays' })
  working_days!: number[];
  @Matches(HHMM, { message: 'opens must be HH:MM' }) opens!: string;
  @Matches(HHMM, { message: 'closes must be HH:MM' }) closes!: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(400)
  @IsString({ each: true })
  @MaxLength(10, { each: true })
  holidays?: string[];
}

export class CalendarPatchDto {
  @IsOptional() @IsString() @MaxLength(100) name?: string;
  @IsOptional() @IsString() @MaxLength(64) time_zone?: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsInt({ each: true, message: 'working_days must be a list of ISO weekdays' })
  working_days?: number[];
  @IsOptional() @Matches(HHMM, { message: 'opens must be HH:MM' }) opens?: string;
  @IsOptional() @Matches(HHMM, { message: 'closes must be HH:MM' }) closes?: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(400)
  @IsString({ each: true })
  @MaxLength(10, { each: true })
  holidays?: string[];
}

const minutes = (name: string) => ({ message: `${name} must be a whole number of minutes` });

export class SlaPolicyDto {
  @IsIn(CASE_PRIORITIES, PRIORITY) priority!: CasePriority;
  @IsInt(minutes('first_response_minutes')) first_response_minutes!: number;
  @IsInt(minutes('resolution_minutes')) resolution_minutes!: number;
  @IsOptional() @IsInt(minutes('at_risk_minutes')) at_risk_minutes?: number;
  @IsOptional() @IsString() @MaxLength(40) calendar_id?: string;
}

export class SlaPolicyPatchDto {
  @IsOptional() @IsInt(minutes('first_response_minutes')) first_response_minutes?: number;
  @IsOptional() @IsInt(minutes('resolution_minutes')) resolution_minutes?: number;
  @IsOptional() @IsInt(minutes('at_risk_minutes')) at_risk_minutes?: number;
  @IsOptional() @IsString() @MaxLength(40) calendar_id?: string;
}

export const minuteOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
export const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
