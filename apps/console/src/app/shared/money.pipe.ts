import { Pipe, type PipeTransform } from '@angular/core';
import { formatMoney } from '../core/money';

@Pipe({ name: 'money' })
export class MoneyPipe implements PipeTransform {
  transform(minor: number | null | undefined, currency: string): string {
    return minor === null || minor === undefined ? '' : formatMoney(minor, currency.toUpperCase());
  }
}
