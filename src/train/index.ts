/** Training recipes for existing engines (explicit exports). See docs/train.md. */
export { writeRecipe, type WriteRecipeOptions, type WriteRecipeResult } from './write-recipe.js';
export { assertDocumentedKeys, flattenKeys, loadEngineKeys, TRAIN_ENGINES, type EngineKeys, type TrainEngine } from './engine-keys.js';
export { recipeSettings, type RecipeSetting, type RecipeSettings, type SettingOrigin } from './recipe-settings.js';
export { readTrainingRecords, toExportRecord } from './read-training-records.js';
export type { EngineRecipe, RecipeContext, RecipeFile, TrainStage } from './recipe-types.js';
