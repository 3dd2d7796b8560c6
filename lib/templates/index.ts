// Task templates: versioned create/edit with diffs, history and per-cloud preview.
export { createTemplate, type SavedTemplateDto } from "./create";
export { CLOUDS, diffTemplates, type TemplateDiff } from "./diff";
export { getTemplateHistory, type TemplateHistoryDto } from "./history";
export { getTemplateOwner, SetTemplateOwnerInput, setTemplateOwner, type TemplateOwnerDto } from "./owner";
export { previewTemplate, type TemplatePreviewDto, type TemplatePreviews } from "./preview";
export type { TemplateVersionDto } from "./queries";
export {
  CreateTemplateInput,
  PreviewTemplateInput,
  TemplateKey,
  TemplateKeyInput,
  UpdateTemplateInput,
} from "./schemas";
export { updateTemplate } from "./update";
