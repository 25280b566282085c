import { useId, useMemo, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useT } from '../i18n/index.ts';
import { useFieldContext } from './Field.tsx';
import { Icon } from './Icon.tsx';

function useFieldAttrs(invalidProp?: boolean) {
  const ctx = useFieldContext();
  return {
    id: ctx?.id,
    'aria-invalid': invalidProp || ctx?.invalid ? true : undefined,
    'aria-describedby': ctx?.describedBy,
  };
}

export interface TextInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> {
  value: string;
  onChange(value: string): void;
  invalid?: boolean;
}

export function TextInput({ value, onChange, invalid, className, type = 'text', ...rest }: TextInputProps) {
  const attrs = useFieldAttrs(invalid);
  return <input {...attrs} {...rest} type={type} className={`input${className ? ` ${className}` : ''}`} value={value} onChange={(e) => onChange(e.target.value)} />;
}

export interface TextAreaProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value'> {
  value: string;
  onChange(value: string): void;
}

export function TextArea({ value, onChange, className, rows = 3, ...rest }: TextAreaProps) {
  const attrs = useFieldAttrs();
  return <textarea {...attrs} {...rest} rows={rows} className={`input textarea${className ? ` ${className}` : ''}`} value={value} onChange={(e) => onChange(e.target.value)} />;
}

export interface DateInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'type'> {
  /** ISO date (YYYY-MM-DD) or ''. */
  value: string;
  onChange(value: string): void;
}

export function DateInput({ value, onChange, className, ...rest }: DateInputProps) {
  const attrs = useFieldAttrs();
  return <input {...attrs} {...rest} type="date" className={`input input--date${className ? ` ${className}` : ''}`} value={value} onChange={(e) => onChange(e.target.value)} />;
}

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> {
  value: string;
  onChange(value: string): void;
  options: readonly SelectOption[];
  /** A first, empty choice ("请选择…"). */
  placeholder?: string;
}

export function Select({ value, onChange, options, placeholder, className, ...rest }: SelectProps) {
  const attrs = useFieldAttrs();
  return (
    <div className={`select${className ? ` ${className}` : ''}`}>
      <select {...attrs} {...rest} value={value} onChange={(e) => onChange(e.target.value)}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'checked' | 'type'> {
  checked: boolean;
  onChange(checked: boolean): void;
  label: ReactNode;
  description?: ReactNode;
}

export function Checkbox({ checked, onChange, label, description, className, ...rest }: CheckboxProps) {
  const ctx = useFieldContext();
  const ownId = useId();
  const id = ctx?.id ?? ownId;
  return (
    <label className={`checkbox${className ? ` ${className}` : ''}`} htmlFor={id}>
      <input {...rest} id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={ctx?.describedBy} />
      <span className="checkbox-box" aria-hidden="true">
        <Icon name="check" size={14} />
      </span>
      <span className="checkbox-text">
        <span className="checkbox-label">{label}</span>
        {description && <span className="checkbox-description">{description}</span>}
      </span>
    </label>
  );
}

export interface CheckOption {
  value: string;
  label: string;
  description?: string;
  disabled?: boolean;
}

export interface CheckboxGroupProps {
  options: readonly CheckOption[];
  value: readonly string[];
  onChange(value: string[]): void;
  /** Per-option errors keyed by option value (e.g. from `memberSchoolIds.1`). */
  errors?: Record<string, string>;
  /** Show a filter box above long lists. */
  searchable?: boolean;
  empty?: ReactNode;
  testId?: string;
  /** Short labels (subjects) flow in columns. */
  layout?: 'list' | 'grid';
}

/** Several choices from a list (member schools, communities, subjects). */
export function CheckboxGroup({ options, value, onChange, errors, searchable, empty, testId, layout = 'list' }: CheckboxGroupProps) {
  const t = useT();
  const ctx = useFieldContext();
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f ? options.filter((o) => o.label.toLowerCase().includes(f) || value.includes(o.value)) : options;
  }, [filter, options, value]);
  const toggle = (v: string, on: boolean) => onChange(on ? [...value, v] : value.filter((x) => x !== v));
  return (
    <div className={`check-group${ctx?.invalid ? ' check-group--invalid' : ''}`} id={ctx?.id} role="group" aria-describedby={ctx?.describedBy} data-testid={testId}>
      {searchable && options.length > 6 && (
        <div className="check-group-search">
          <Icon name="search" size={16} />
          <input type="search" className="input input--bare" placeholder={t('common.filterList')} value={filter} onChange={(e) => setFilter(e.target.value)} />
        </div>
      )}
      {options.length === 0 ? (
        <div className="check-group-empty">{empty ?? t('common.noOptions')}</div>
      ) : (
        <ul className={`check-group-list check-group-list--${layout}`}>
          {shown.map((o) => (
            <li key={o.value} className={errors?.[o.value] ? 'has-error' : undefined}>
              <OptionCheckbox option={o} checked={value.includes(o.value)} onChange={(on) => toggle(o.value, on)} />
              {errors?.[o.value] && <p className="field-error">{errors[o.value]}</p>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function OptionCheckbox({ option, checked, onChange }: { option: CheckOption; checked: boolean; onChange(on: boolean): void }) {
  const id = useId();
  return (
    <label className="checkbox" htmlFor={id}>
      <input id={id} type="checkbox" checked={checked} disabled={option.disabled} onChange={(e) => onChange(e.target.checked)} />
      <span className="checkbox-box" aria-hidden="true">
        <Icon name="check" size={14} />
      </span>
      <span className="checkbox-text">
        <span className="checkbox-label">{option.label}</span>
        {option.description && <span className="checkbox-description">{option.description}</span>}
      </span>
    </label>
  );
}

export interface SegmentedProps<V extends string> {
  value: V;
  onChange(value: V): void;
  options: readonly { value: V; label: string }[];
  label?: string;
  size?: 'sm' | 'md';
}

/** A few exclusive choices side by side (language, existing / new school). */
export function Segmented<V extends string>({ value, onChange, options, label, size = 'md' }: SegmentedProps<V>) {
  return (
    <div className={`segmented segmented--${size}`} role="radiogroup" aria-label={label}>
      {options.map((o) => (
        <button key={o.value} type="button" role="radio" aria-checked={o.value === value} className={o.value === value ? 'is-active' : undefined} onClick={() => onChange(o.value)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}

/** A spreadsheet to upload (XLSX, or CSV in UTF-8 or GBK): the imports' file field. */
export function SpreadsheetInput({ onChange, testId }: { onChange(file: File | null): void; testId?: string }) {
  return (
    <input
      type="file"
      className="input"
      accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
      onChange={(e) => onChange(e.target.files?.[0] ?? null)}
      data-testid={testId}
    />
  );
}
