/**
 * Calibration of the raw risk logit on a held-out, non-bench calibration slice: the decision point is
 * the logit at which the calibration benign examples reach the target false-positive rate, mapped to
 * risk 0.5; the slope is fitted by Platt scaling (1-D logistic regression on logit − threshold).
 */
export interface CalibrationFit {
  logitThreshold: number;
  slope: number;
}

export function fitCalibration(points: { logit: number; label: 0 | 1 }[], targetFalsePositiveRate: number): CalibrationFit {
  const benign = points.filter((point) => point.label === 0).map((point) => point.logit).sort((left, right) => right - left);
  const index = Math.min(benign.length - 1, Math.floor(benign.length * targetFalsePositiveRate));
  const logitThreshold = benign.length > 0 ? (benign[index] as number) + 1e-6 : 0;
  let slope = 1;
  for (let iteration = 0; iteration < 50; iteration += 1) {
    let gradient = 0;
    let hessian = 1e-6;
    for (const point of points) {
      const x = point.logit - logitThreshold;
      const probability = 1 / (1 + Math.exp(-slope * x));
      gradient += (probability - point.label) * x;
      hessian += probability * (1 - probability) * x * x;
    }
    const step = gradient / hessian;
    slope = Math.max(0.05, slope - step);
    if (Math.abs(step) < 1e-6) break;
  }
  return { logitThreshold, slope };
}
