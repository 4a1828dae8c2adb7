import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

export class PrivacySubjectDto {
  @IsOptional()
  @IsEmail({}, { message: 'subject.email must be an email address' })
  @MaxLength(320, { message: 'subject.email must be at most 320 characters' })
  email?: string;

  @IsOptional()
  @IsString({ message: 'subject.customer must be a customer reference' })
  @Matches(/^[A-Za-z0-9_-]{3,100}$/, {
    message: 'subject.customer must be a customer reference (letters, digits, _ and -)',
  })
  customer?: string;
}

export class CreatePrivacyRequestDto {
  @IsIn(['access', 'erasure'], { message: 'type must be access or erasure' })
  type!: 'access' | 'erasure';

  @IsIn(['gdpr', 'ccpa'], { message: 'regime must be gdpr or ccpa' })
  regime!: 'gdpr' | 'ccpa';

  @IsDefined({ message: 'subject is required: {"email": …} or {"customer": …}' })
  @ValidateNested()
  @Type(() => PrivacySubjectDto)
  subject!: PrivacySubjectDto;

  @IsString({ message: 'merchant_id is required' })
  @MaxLength(40)
  merchant_id!: string;
}

export class CreatePrivacyHoldDto {
  @IsDefined({ message: 'subject is required: {"email": …} or {"customer": …}' })
  @ValidateNested()
  @Type(() => PrivacySubjectDto)
  subject!: PrivacySubjectDto;

  @IsString({ message: 'merchant_id is required' })
  @MaxLength(40)
  merchant_id!: string;

  @IsString({ message: 'reason is required: why the data must be kept (a case or court reference)' })
  @MinLength(3, { message: 'reason must say why the data must be kept' })
  @MaxLength(500)
  reason!: string;
}
