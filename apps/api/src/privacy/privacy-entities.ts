import { PrivacyHold } from './privacy-hold.entity';
import { PrivacyRequest } from './privacy-request.entity';

export const PRIVACY_ENTITIES = [PrivacyRequest, PrivacyHold];
