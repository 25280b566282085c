import { createContext, useContext, useId, type ReactNode } from 'react';

interface FieldContext {
  id: string;
  invalid: boolean;
  describedBy: string | undefined;
}

const Ctx = createContext<FieldContext | null>(null);

/** The id, invalid state and description of the field an input sits in. */
export const useFieldContext = () => useContext(Ctx);

export interface FieldProps {
  label?: ReactNode;
  /** The request field this input edits (`name`, `memberSchoolIds`): marks the wrapper for tests and styles. */
  name?: string;
  required?: boolean;
  hint?: ReactNode;
  /** The API's message for this field (shown under the input, in red). */
  error?: string | undefined;
  children: ReactNode;
  className?: string;
}

/** A labelled input with its hint or its error under it. */
export function Field({ label, name, required, hint, error, children, className }: FieldProps) {
  const id = useId();
  const noteId = `${id}-note`;
  const hasNote = Boolean(error || hint);
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`} data-field={name}>
      {label !== undefined && (
        <label className="field-label" htmlFor={id}>
          {label}
          {required && <span className="field-required" aria-hidden="true">*</span>}
        </label>
      )}
      <Ctx.Provider value={{ id, invalid: Boolean(error), describedBy: hasNote ? noteId : undefined }}>{children}</Ctx.Provider>
      {error ? (
        <p className="field-error" id={noteId} role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="field-hint" id={noteId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Lays fields out in columns (one column on narrow screens). */
export function FieldRow({ children }: { children: ReactNode }) {
  return <div className="field-row">{children}</div>;
}
