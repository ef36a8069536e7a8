/** The small stroke icons of the trace panels (16x16, currentColor, decorative). */
import type { ReactNode } from 'react';

interface IconProps {
  className: string;
  /** Stroke width in viewBox units. */
  width?: number;
}

function StrokeIcon({ className, width = 1.8, children }: IconProps & { children: ReactNode }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className={className}
      fill="none"
      stroke="currentColor"
      strokeWidth={width}
    >
      {children}
    </svg>
  );
}

export function ErrorIcon({ className, width }: IconProps) {
  return (
    <StrokeIcon className={className} width={width}>
      <circle cx="8" cy="8" r="6.5" />
      <path d="M5.75 5.75l4.5 4.5M10.25 5.75l-4.5 4.5" strokeLinecap="round" />
    </StrokeIcon>
  );
}

export function WarningIcon({ className, width }: IconProps) {
  return (
    <StrokeIcon className={className} width={width}>
      <path d="M8 1.75l6.5 12H1.5z" strokeLinejoin="round" />
      <path d="M8 6.25v3.5M8 11.75v.01" strokeLinecap="round" />
    </StrokeIcon>
  );
}

export function InfoIcon({ className, width }: IconProps) {
  return (
    <StrokeIcon className={className} width={width}>
      <circle cx="8" cy="8" r="6.5" />
      <path d="M8 7.25v4M8 4.75v.01" strokeLinecap="round" />
    </StrokeIcon>
  );
}

export function OkIcon({ className, width }: IconProps) {
  return (
    <StrokeIcon className={className} width={width}>
      <circle cx="8" cy="8" r="6.5" />
      <path d="M5.25 8.25l1.9 1.9 3.6-3.9" strokeLinecap="round" strokeLinejoin="round" />
    </StrokeIcon>
  );
}
