export {
  assertNotFrozen,
  type FreezeDto,
  FreezeInput,
  freezePerson,
  releaseFreezeDenies,
  UnfreezeInput,
  unfreezePerson,
} from "./freeze";
