import { AlertChannelRecord } from './alert-channel.entity';
import { AlertEvaluationRecord } from './alert-evaluation.entity';
import { AlertInstanceRecord } from './alert-instance.entity';
import { AlertRuleRecord } from './alert-rule.entity';
import { AlertSilenceRecord } from './alert-silence.entity';

export const ALERT_ENTITIES = [
  AlertRuleRecord,
  AlertChannelRecord,
  AlertSilenceRecord,
  AlertInstanceRecord,
  AlertEvaluationRecord,
];
