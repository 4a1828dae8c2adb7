import { CreateDateColumn, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** What every stored record has: a prefixed, time-ordered id and its timestamps. */
export abstract class BaseRecord {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id!: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
