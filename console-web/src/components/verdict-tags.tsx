/**
 * The colour-coded verdict tags under an answer (the model card's "risk identification · compliance
 * · user guidance" row): action, risk level, dimension, AMA principle, attacks, compliance,
 * disclaimer added. Colour is never the only signal: every tag also says what it is in words.
 */
import type { SafemedObject, VerdictJson } from '../api.js';
import { useConsole } from '../console-context.js';
import { pickLabel } from '../i18n.js';

export function VerdictTags({ verdict }: { verdict: SafemedObject | VerdictJson }) {
  const { t, language, session } = useConsole();
  const { labels } = session;
  const principle = verdict.principle === null ? null : String(verdict.principle);
  const attacks = verdict.attacks.map((attack) => pickLabel(labels.attacks[attack], language, attack));
  return (
    <ul class="tags" aria-label={t('tag.verdicts')}>
      <li class={`tag action-${verdict.action}`} data-tag="action">
        {t('tag.action')}: {t(`action.${verdict.action}`)}
      </li>
      <li class={`tag risk-${verdict.risk_level}`} data-tag="risk">
        {t('tag.risk')}: {t(`risk.${verdict.risk_level}`)} ({verdict.risk.toFixed(2)})
      </li>
      <li class="tag neutral" data-tag="dimension">
        {t('tag.dimension')}: {pickLabel(labels.dimensions[verdict.dimension], language, verdict.dimension)}
      </li>
      <li class="tag neutral" data-tag="principle" title={principle === null ? undefined : pickLabel(labels.principles[principle], language, principle)}>
        {t('tag.principle')}: {principle === null ? t('tag.none') : `${principle} · ${pickLabel(labels.principles[principle], language, principle)}`}
      </li>
      <li class={`tag ${attacks.length > 0 ? 'risk-high' : 'neutral'}`} data-tag="attacks">
        {t('tag.attacks')}: {attacks.length > 0 ? attacks.join(', ') : t('tag.none')}
      </li>
      <li class={`tag compliance-${verdict.compliance}`} data-tag="compliance">
        {t('tag.compliance')}: {t(`compliance.${verdict.compliance}`)}
      </li>
      <li class="tag neutral" data-tag="disclaimer">
        {t('tag.disclaimer')}: {verdict.disclaimer_added ? t('tag.yes') : t('tag.no')}
      </li>
    </ul>
  );
}
